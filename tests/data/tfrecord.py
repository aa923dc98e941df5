"""TFRecord framing and the few protobuf bits the tests need to write event
files.  The framing follows TensorFlow's tensorflow/core/lib/io/record_writer.cc
(u64 length, masked CRC-32C of it, payload, masked CRC-32C of the payload);
CRC-32C is the Castagnoli polynomial (reflected 0x82F63B78) with TensorFlow's
mask.  Fields of tensorflow/core/util/event.proto are written by number."""
import struct


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def header(n):
    h = struct.pack('<Q', n)
    return h + struct.pack('<I', masked(h))


def record(payload):
    return header(len(payload)) + payload + struct.pack('<I', masked(payload))


def varint(v):
    out = b''
    while True:
        c = v & 0x7F
        v >>= 7
        if not v:
            return out + bytes([c])
        out += bytes([c | 0x80])


def ld(field, body):
    """A length-delimited field."""
    return varint(field << 3 | 2) + varint(len(body)) + body


def event(wall, step, tag=None, value=None, version=None):
    """An Event payload: wall_time (1), step (2), file_version (3) when given,
    and a summary (5) of one simple_value (float32) under tag when given."""
    e = b"\x09" + struct.pack("<d", wall) + b"\x10" + varint(step)
    if version:
        e += ld(3, version.encode())
    if tag is not None:
        v = ld(1, tag.encode()) + b"\x15" + struct.pack("<f", value)
        e += ld(5, ld(1, v))
    return e
