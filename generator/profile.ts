/**
 * Generator profiles. `classic` is the world the generator has always written (byte for byte); `varied`
 * plants every scenario family as a mix of its classic form and the realistic variants fraud adapts to
 * (BRIEF.md: "a farm that is caught swiping every minute swipes every five"), and adds the honest
 * look-alikes of planned repeat care, outbreaks, health checks and family mutual aid. docs/generator.md
 * has the table of variants and their parameter ranges.
 */

export const PROFILES = ['classic', 'varied'] as const;
export type Profile = (typeof PROFILES)[number];

export function parseProfile(text: string): Profile {
  if (!(PROFILES as readonly string[]).includes(text)) throw new Error(`unknown profile "${text}" (known: ${PROFILES.join(', ')})`);
  return text as Profile;
}
