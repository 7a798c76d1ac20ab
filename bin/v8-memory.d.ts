export const DETECTION_COMMANDS: string[];
export function optimizeForSize(): void;
export function useDetectionHeapSettings(env?: NodeJS.ProcessEnv): boolean;
