#pragma once
// Decoding of HTML character references (&amp;, &#233;, &eacute;) with the WHATWG HTML5 named-reference
// table, in the two flavours CLIP's text cleaning applies: ftfy's inside fix_text, then Python's.

#include <string>

namespace rlfseg::text {

// Python's html.unescape(): numeric references with or without ';' (invalid ones replaced as the
// HTML5 spec says), named references of the HTML5 table, legacy names (&amp, &eacute) also
// without ';', matched as the longest prefix.
std::u32string pyHtmlUnescape(const std::u32string& s);

// ftfy.fixes.unescape_html: only references matching &#?[0-9A-Za-z]{1,24}; are decoded; also
// knows the all-caps spellings of lower-case names (&EACUTE; -> É).
std::u32string ftfyUnescapeHtml(const std::u32string& s);

} // namespace rlfseg::text
