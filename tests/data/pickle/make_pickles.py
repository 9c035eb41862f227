# -*- coding: utf-8 -*-
# Writes the RefCOCO-like pickles that tests/core/PickleTest.cpp reads, and the JSON they must turn into.
# Run it with Python 2.7 first (the refs_py2_* files), then with Python 3 (the other pickles, and the
# .json for every .p here, made by Python's own unpickler). See README.md.
from __future__ import print_function

import io
import json
import os
import pickle
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY2 = sys.version_info[0] == 2


def make_refs(kind):
    """kind: 'py2' (str as UTF-8 bytes, as REFER's Python 2 files), 'py3' (str only), 'py3-bytes' (plus
    bytes, sets and a frozenset, which protocols 0 to 2 of Python 3 can only write with REDUCE)."""
    if kind == 'py2':
        s = lambda u: u.encode('utf-8')  # a Python 2 str holding UTF-8
    else:
        s = lambda u: u
    tokens = [s(u'the'), s(u'caf\xe9'), s(u'on'), s(u'the'), s(u'left')]  # one list, in two sentences
    meta = {s(u'source'): s(u'refcoco'), s(u'version'): 2}  # one dict, in two refs
    refs = [
        {
            s(u'ref_id'): 0, s(u'ann_id'): 1706357, s(u'image_id'): 9, s(u'category_id'): 51,
            s(u'split'): s(u'train'), s(u'file_name'): s(u'COCO_train2014_000000000009_1706357.jpg'),
            s(u'sent_ids'): [0, 1],
            s(u'sentences'): [
                {s(u'sent_id'): 0, s(u'sent'): s(u'the caf\xe9 on the left'),
                 s(u'raw'): u'The caf\xe9 on the left.', s(u'tokens'): tokens},
                {s(u'sent_id'): 1, s(u'sent'): s(u'the caf\xe9 on the left'),
                 s(u'raw'): u'the caf\xe9 on the left!!', s(u'tokens'): tokens},
            ],
            s(u'meta'): meta, s(u'box'): (1.5, -2.25, 3e10, 640), s(u'score'): 0.875,
            s(u'mask'): None, s(u'iscrowd'): False, s(u'valid'): True,
        },
        {
            s(u'ref_id'): 1, s(u'ann_id'): 3000000001, s(u'image_id'): 581857, s(u'category_id'): 1,
            s(u'split'): s(u'testA'), s(u'file_name'): s(u'COCO_train2014_000000581857_3000000001.jpg'),
            s(u'sent_ids'): [2],
            s(u'sentences'): [
                {s(u'sent_id'): 2,
                 s(u'sent'): s(u'na\xefve \u65e5\u672c \U0001F600 "quoted" \'single\' back\\slash'),
                 s(u'raw'): u'Tab\there,\nnew line, \\u0041 is not an escape, \u20ac',
                 s(u'tokens'): [s(u'na\xefve'), s(u'\u65e5\u672c'), s(u'\U0001F600')]},
            ],
            s(u'meta'): meta, s(u'big'): 2 ** 62, s(u'negative'): -2 ** 63, s(u'small'): -5,
            s(u'by_id'): {1: s(u'one'), 300: s(u'three hundred'), -7: s(u'minus seven')},
            s(u'empty_list'): [], s(u'empty_dict'): {}, s(u'empty_tuple'): (), s(u'one_tuple'): (s(u'x'),),
            s(u'long_text'): s(u'long ') * 60,  # over 255 bytes: BINSTRING / BINUNICODE, not the SHORT_ ones
        },
    ]
    if kind == 'py2':
        refs[1][b'latin1'] = b'\xe9t\xe9'  # not UTF-8: read as Latin-1
        refs[1][b'py2_long'] = long(5)  # noqa: F821 (Python 2 only): LONG / LONG1
        refs[1][b'py2_big_long'] = long(2) ** 40  # noqa: F821
    if kind == 'py3-bytes':
        refs[1]['bytes_utf8'] = u'caf\xe9'.encode('utf-8')
        refs[1]['bytes_latin1'] = b'\xe9t\xe9'
        refs[1]['bytes_long'] = b'0123456789' * 30
        refs[1]['a_set'] = {3, 1, 2}  # small ints: the same order whoever iterates it
        refs[1]['a_frozenset'] = frozenset([8, 7])
    return refs


def write(name, obj, protocol):
    with open(os.path.join(HERE, name), 'wb') as f:
        pickle.dump(obj, f, protocol)
    print('wrote', name)


def to_json(v):
    """What parsePickle must give: tuples and sets as lists, int keys as text, bytes as UTF-8 or Latin-1."""
    if isinstance(v, dict):
        return dict((key_text(k), to_json(x)) for k, x in v.items())
    if isinstance(v, (list, tuple, set, frozenset)):
        return [to_json(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        return text(v)
    return v


def text(b):
    try:
        return bytes(b).decode('utf-8')
    except UnicodeDecodeError:
        return bytes(b).decode('latin-1')


def key_text(k):
    if isinstance(k, bool) or not isinstance(k, (int, str, bytes)):
        raise TypeError('unexpected key %r' % (k,))
    return str(k) if isinstance(k, int) else to_json(k)


if PY2:
    import cPickle  # the module Python 2 programs (and REFER) used

    def write(name, obj, protocol):  # noqa: F811
        with open(os.path.join(HERE, name), 'wb') as f:
            cPickle.dump(obj, f, protocol)
        print('wrote', name)

    refs = make_refs('py2')
    write('refs_py2_protocol0.p', refs, 0)
    write('refs_py2_protocol2.p', refs, 2)
else:
    write('refs_protocol0.p', make_refs('py3'), 0)
    write('refs_protocol2.p', make_refs('py3'), 2)
    write('refs_protocol4.p', make_refs('py3-bytes'), 4)
    refs5 = make_refs('py3-bytes')
    refs5[1]['a_bytearray'] = bytearray(b'caf\xc3\xa9 array')  # BYTEARRAY8 exists from protocol 5
    write('refs_protocol5.p', refs5, 5)
    for name in sorted(os.listdir(HERE)):
        if not name.endswith('.p'):
            continue
        with open(os.path.join(HERE, name), 'rb') as f:
            obj = pickle.load(f, encoding='bytes')  # Python 2 str stays bytes; to_json decodes it
        out = os.path.join(HERE, name[:-2] + '.json')
        with io.open(out, 'w', encoding='utf-8') as f:
            f.write(json.dumps(to_json(obj), ensure_ascii=False, indent=1, sort_keys=True) + u'\n')
        print('wrote', os.path.basename(out))
