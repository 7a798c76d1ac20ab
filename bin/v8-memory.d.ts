export const DETECTION_COMMANDS: string[];
export function useDetectionHeapSettings(env?: NodeJS.ProcessEnv): boolean;
