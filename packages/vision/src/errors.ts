import { TensileError } from '@tensile/tensor';

/** A dataset that is missing, corrupt or truncated on disk; the message names the file. */
export class DatasetError extends TensileError {
  override name = 'DatasetError';
}

/** A download that failed after its retries, or whose checksum does not match. */
export class DownloadError extends TensileError {
  override name = 'DownloadError';
}

/** Bytes that are not an image in a format Tensile can decode, or a corrupt one. */
export class ImageDecodeError extends TensileError {
  override name = 'ImageDecodeError';
}
