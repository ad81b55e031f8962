/**
 * A table of rows by primary key, for the in-memory repositories. Rows go in and come out
 * as copies, as they would through a database: a caller that changes what it read changes
 * nothing stored, and a row changes only through `update`.
 */
export class MemoryTable<Row extends object> {
  private readonly rows = new Map<string, Row>();

  constructor(
    /** The table's name, for the error a duplicate key raises. */
    private readonly name: string,
    readonly keyOf: (row: Row) => string,
  ) {}

  /** Throws, as a primary-key violation would, when the key is taken. */
  insert(row: Row): void {
    this.assertAbsent(this.keyOf(row));
    this.rows.set(this.keyOf(row), structuredClone(row));
  }

  /** Inserts the row, or replaces the one with its key (an upsert). */
  put(row: Row): void {
    this.rows.set(this.keyOf(row), structuredClone(row));
  }

  assertAbsent(key: string): void {
    if (this.rows.has(key)) throw new Error(`Duplicate key ${key} in ${this.name}`);
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  get(key: string): Row | null {
    const row = this.rows.get(key);
    return row ? structuredClone(row) : null;
  }

  /** Copies of the rows `matches` accepts, in the order they were inserted. */
  where(matches: (row: Row) => boolean = () => true): Row[] {
    return [...this.rows.values()].filter(matches).map((row) => structuredClone(row));
  }

  /** Applies `changes` to the row; false when there is none. */
  update(key: string, changes: Partial<Row>): boolean {
    const row = this.rows.get(key);
    if (!row) return false;
    this.rows.set(key, { ...row, ...structuredClone(changes) });
    return true;
  }

  /** Deletes the row; false when there was none. */
  delete(key: string): boolean {
    return this.rows.delete(key);
  }

  /** Deletes the rows `matches` accepts; returns how many. */
  deleteWhere(matches: (row: Row) => boolean): number {
    let deleted = 0;
    for (const [key, row] of this.rows) if (matches(row) && this.rows.delete(key)) deleted++;
    return deleted;
  }
}
