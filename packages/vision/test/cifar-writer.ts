/** A record's pixels: plane c of image k holds (k * 3 + c + p) % 256 at pixel p. */
export function planes(k: number): Uint8Array {
  return Uint8Array.from(
    { length: 3072 },
    (_, i) => (k * 3 + Math.floor(i / 1024) + (i % 1024)) % 256,
  );
}

// A Python 2 cPickle (protocol 2) of a CIFAR batch, opcode for opcode as in the real files:
// str keys as SHORT_BINSTRING, the numpy array via numpy.core.multiarray._reconstruct;
// `fortran` stores the [N, 3072] array column-major (numpy's fortran_order), as numpy would.
export function py2Batch(
  images: number[],
  labels: number[],
  labelsKey = 'labels',
  fortran = false,
): Buffer {
  const parts: Buffer[] = [];
  const op = (s: string) => parts.push(Buffer.from(s, 'latin1'));
  const str = (s: string) => {
    op('U');
    parts.push(Buffer.from([s.length]), Buffer.from(s, 'latin1'));
  };
  const int = (v: number) =>
    v < 256 ? parts.push(Buffer.from([0x4b, v])) : parts.push(Buffer.from([0x4d, v & 255, v >> 8]));
  op('\x80\x02}q\x01(');
  str('data');
  op('cnumpy.core.multiarray\n_reconstruct\nq\x02cnumpy\nndarray\nq\x03K\x00\x85');
  str('b');
  op('\x87Rq\x04(K\x01');
  int(images.length);
  int(3072);
  op('\x86cnumpy\ndtype\nq\x05');
  str('u1');
  op('K\x00K\x01\x87Rq\x06(K\x03');
  str('|');
  op(`NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tbI0${fortran ? 1 : 0}\nT`);
  const rows = Buffer.concat(images.map(planes));
  const n = images.length;
  const raw = fortran
    ? Buffer.from(rows.map((_, k) => rows[(k % n) * 3072 + Math.floor(k / n)]))
    : rows;
  const len = Buffer.alloc(4);
  len.writeUInt32LE(raw.length);
  parts.push(len, raw);
  op('tbq\x07');
  str(labelsKey);
  op(']q\x08(');
  for (const l of labels) int(l);
  op('e');
  str('batch_label');
  str('training batch 1 of 5');
  op('u.');
  return Buffer.concat(parts);
}

export function py2Meta(key: string, names: string[]): Buffer {
  const parts: Buffer[] = [
    Buffer.from('\x80\x02}q\x01(U', 'latin1'),
    Buffer.from([key.length]),
    Buffer.from(key),
    Buffer.from(']q\x02(', 'latin1'),
  ];
  for (const n of names)
    parts.push(Buffer.from('U', 'latin1'), Buffer.from([n.length]), Buffer.from(n));
  parts.push(Buffer.from('eu.', 'latin1'));
  return Buffer.concat(parts);
}
