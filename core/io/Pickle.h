#pragma once
// Reading Python pickles of plain data as JSON, without Python. Made for RefCOCO's refs(unc).p files
// (a list of dicts of strings, numbers and lists), written by Python 2 (protocols 0 and 2) or re-saved
// by Python 3 (protocols 3 to 5).
//
// Only the opcodes that build plain values are read: None, booleans, integers (64-bit), floats, str,
// unicode, bytes, bytearray, lists, tuples, dicts, sets and frozensets, and the memo (PUT/GET, MEMOIZE).
// Every opcode that imports a name or calls something (GLOBAL, STACK_GLOBAL, REDUCE, BUILD, INST, OBJ,
// NEWOBJ, NEWOBJ_EX, PERSID, BINPERSID, EXT1/2/4, NEXT_BUFFER, READONLY_BUFFER) is refused, so reading a
// hostile file can never run code.
//
// To JSON: tuples, sets and frozensets become arrays (sets in file order); dict keys must be strings
// (kept) or integers (written in decimal), and a later duplicate key wins, as in Python; byte strings
// (Python 2 str, bytes, bytearray) become UTF-8 text if they are valid UTF-8 and are read as Latin-1
// otherwise; lone UTF-16 surrogates in unicode strings become U+FFFD. Integers outside int64 are refused.
// Text floats "inf"/"nan" are kept as doubles (nlohmann::json dumps them as null).
//
// Lists and dicts keep Python's reference semantics: a list that was memoized and appended to later is
// complete wherever it is fetched from the memo. Shared objects are copied into each place in the JSON;
// recursive ones (a list that contains itself), nesting deeper than 1000 levels and shared objects that
// would blow up to far more data than the file holds are refused.
//
// Every problem is an rlfseg::Error whose message starts with "<source>: byte <offset>: ". Bytes after
// the STOP opcode are ignored, as Python's pickle.load does.

#include <nlohmann/json.hpp>

#include <string>

namespace rlfseg {

// Parses pickle bytes into JSON. `source` names the file in error messages.
nlohmann::json parsePickle(const std::string& bytes, const std::string& source);

// Reads the whole file (readFileToString) and parses it; errors name `path`.
nlohmann::json readPickleFile(const std::string& path);

} // namespace rlfseg
