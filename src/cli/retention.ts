/** `nivaran retention run [--dry-run]` (being written). */
export async function retentionCommand(_args: string[]): Promise<number> {
  return 0;
}
