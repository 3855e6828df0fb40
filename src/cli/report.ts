/** `nivaran report --month YYYY-MM [--format csv|json]` (being written). */
export async function reportCommand(_args: string[]): Promise<number> {
  return 0;
}
