/** Bad arguments to a SummaryWriter method (shape, dtype, value range). */
export class BoardInputError extends TypeError {
  override name = 'BoardInputError';
}

/** A record whose checksum does not match: names the file and the record's byte offset. */
export class RecordCorruptionError extends Error {
  override name = 'RecordCorruptionError';

  constructor(
    /** The file (or '<buffer>') the record was read from. */
    readonly file: string,
    /** The byte offset of the record's start in that file. */
    readonly offset: number,
    detail: string,
  ) {
    super(`${file}: corrupt record at byte offset ${offset}: ${detail}`);
  }
}
