"""Makes the small Fashion-MNIST sample shipped with the examples (data/fashion-mnist-sample/).

Takes the first N/10 images of each class from Debian's dataset-fashion-mnist files, in file
order, and writes them as gzipped IDX files under the original names, so that the sample is a
drop-in, class-balanced, deterministic slice of the real data set (byte-identical on every run:
the gzip header has no time stamp).

Run from the repository root: /usr/bin/python3 apps/examples/scripts/make-fashion-mnist-sample.py
(needs `apt-get install dataset-fashion-mnist`).
"""

import gzip
import os
import struct

SOURCE = '/usr/share/datasets/fashion-mnist'
TARGET = os.path.join(os.path.dirname(__file__), '..', 'data', 'fashion-mnist-sample')
SPLITS = {'train': 1600, 't10k': 500}
CLASSES = 10


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    shape = struct.unpack('>' + 'I' * ndim, data[4 : 4 + 4 * ndim])
    return data[:4], shape, data[4 + 4 * ndim :]


def write_idx(path, magic, shape, payload):
    header = magic + struct.pack('>' + 'I' * len(shape), *shape)
    with open(path, 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=9, mtime=0, filename='') as f:
        f.write(header + payload)


def balanced_indices(labels, count):
    per_class = count // CLASSES
    taken = {c: [] for c in range(CLASSES)}
    for i, label in enumerate(labels):
        if len(taken[label]) < per_class:
            taken[label].append(i)
    return sorted(i for indices in taken.values() for i in indices)


def main():
    os.makedirs(TARGET, exist_ok=True)
    for split, count in SPLITS.items():
        images_name = f'{split}-images-idx3-ubyte.gz'
        labels_name = f'{split}-labels-idx1-ubyte.gz'
        image_magic, (_, rows, cols), pixels = read_idx(os.path.join(SOURCE, images_name))
        label_magic, _, labels = read_idx(os.path.join(SOURCE, labels_name))
        keep = balanced_indices(labels, count)
        size = rows * cols
        write_idx(
            os.path.join(TARGET, images_name),
            image_magic,
            (len(keep), rows, cols),
            b''.join(pixels[i * size : (i + 1) * size] for i in keep),
        )
        write_idx(os.path.join(TARGET, labels_name), label_magic, (len(keep),), bytes(labels[i] for i in keep))
        print(f'{split}: {len(keep)} images, {count // CLASSES} per class')


if __name__ == '__main__':
    main()
