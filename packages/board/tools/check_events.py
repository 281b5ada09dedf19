"""Reads every event file under a log dir with TensorBoard's protobuf classes and prints a summary.

Validates files written by @tensile/board against a second implementation: CRCs with crcmod's
CRC-32C, messages with the protobuf runtime and tensorboard's generated *_pb2 modules. Needs
`tensorboard` (or the same protos) importable:  python3 check_events.py <logdir>
"""
import json
import os
import struct
import sys

import crcmod.predefined
from tensorboard.compat.proto import event_pb2, graph_pb2
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.plugins.pr_curve import plugin_data_pb2 as pr_pb2
from tensorboard.plugins.text import plugin_data_pb2 as text_pb2

crc32c = crcmod.predefined.mkCrcFun("crc-32c")


def masked(data):
    x = crc32c(data)
    return (((x >> 15) | (x << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    with open(path, "rb") as f:
        buf = f.read()
    pos = 0
    while pos < len(buf):
        (length,) = struct.unpack_from("<Q", buf, pos)
        assert struct.unpack_from("<I", buf, pos + 8)[0] == masked(buf[pos : pos + 8]), (path, pos)
        data = buf[pos + 12 : pos + 12 + length]
        assert struct.unpack_from("<I", buf, pos + 12 + length)[0] == masked(data), (path, pos)
        yield data
        pos += 16 + length


PLUGINS = {"hparams": plugin_data_pb2.HParamsPluginData, "pr_curves": pr_pb2.PrCurvePluginData,
           "text": text_pb2.TextPluginData}


def describe(value):
    out = {"tag": value.tag, "kind": value.WhichOneof("value")}
    if value.HasField("metadata"):
        name = value.metadata.plugin_data.plugin_name
        out["plugin"] = name
        if name in PLUGINS:
            msg = PLUGINS[name]()
            msg.ParseFromString(value.metadata.plugin_data.content)
            out["plugin_data"] = str(msg).replace("\n", " ")
    kind = out["kind"]
    if kind == "simple_value":
        out["value"] = value.simple_value
    elif kind == "histo":
        out["histo"] = [value.histo.num, value.histo.min, value.histo.max, len(value.histo.bucket)]
    elif kind == "image":
        out["image"] = [value.image.width, value.image.height, value.image.colorspace]
    elif kind == "tensor":
        t = value.tensor
        out["tensor"] = [t.dtype, [d.size for d in t.tensor_shape.dim], list(t.float_val)[:4], len(t.string_val)]
        if value.tag == "custom_scalars__config__":
            layout = layout_pb2.Layout()
            layout.ParseFromString(t.string_val[0])
            out["layout"] = str(layout).replace("\n", " ")
    return out


def main(logdir):
    for root, _, files in sorted(os.walk(logdir)):
        for name in sorted(f for f in files if "tfevents" in f):
            path = os.path.join(root, name)
            for data in records(path):
                event = event_pb2.Event()
                event.ParseFromString(data)
                row = {"run": os.path.relpath(root, logdir), "step": event.step, "what": event.WhichOneof("what")}
                if event.HasField("summary"):
                    row["values"] = [describe(v) for v in event.summary.value]
                elif event.HasField("graph_def"):
                    graph = graph_pb2.GraphDef()
                    graph.ParseFromString(event.graph_def)
                    row["graph"] = [(n.name, n.op, list(n.input)) for n in graph.node]
                elif event.HasField("session_log"):
                    row["session_log"] = event.session_log.status
                print(json.dumps(row))


if __name__ == "__main__":
    main(sys.argv[1])
