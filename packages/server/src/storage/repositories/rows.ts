/** Conversions between the storage encoding (0/1 flags, JSON text) and domain values. */
export const flag = (value: boolean): number => (value ? 1 : 0);
export const isSet = (value: number): boolean => value === 1;
export const json = (value: unknown): string => JSON.stringify(value);
export const parse = <T>(text: string): T => JSON.parse(text) as T;
