// erlang:decode_packet/3: splits one packet off the front of a binary, as
// the reference's socket packet modes do, and parses HTTP lines.
//
//   {ok, Packet, Rest} | {more, Length | undefined} | {error, invalid}
//
// Packet types: raw | 0, 1, 2, 4 (big-endian length header), asn1 (BER
// tag and length), sunrm, cdr (GIOP), fcgi, tpkt, line, ssl_tls, and the
// HTTP types http, httph, http_bin, httph_bin. The length rules, limits and
// the HTTP parse (tokens, URI forms, header name normalisation and the
// reference's table of known header names and methods) are the reference's.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/bin_util.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/binary.h"

namespace bvm {

namespace {

enum class Packet { Raw, One, Two, Four, Asn1, SunRm, Cdr, Fcgi, Line, Tpkt, Http, HttpH, SslTls, HttpBin, HttpHBin };

// Known header names, in the reference's order: {http_header, Index + 1, ...}.
const char* const HTTP_HEADERS[] = {
    "Cache-Control", "Connection", "Date", "Pragma", "Transfer-Encoding", "Upgrade", "Via", "Accept",
    "Accept-Charset", "Accept-Encoding", "Accept-Language", "Authorization", "From", "Host",
    "If-Modified-Since", "If-Match", "If-None-Match", "If-Range", "If-Unmodified-Since", "Max-Forwards",
    "Proxy-Authorization", "Range", "Referer", "User-Agent", "Age", "Location", "Proxy-Authenticate",
    "Public", "Retry-After", "Server", "Vary", "Warning", "Www-Authenticate", "Allow", "Content-Base",
    "Content-Encoding", "Content-Language", "Content-Length", "Content-Location", "Content-Md5",
    "Content-Range", "Content-Type", "Etag", "Expires", "Last-Modified", "Accept-Ranges", "Set-Cookie",
    "Set-Cookie2", "X-Forwarded-For", "Cookie", "Keep-Alive", "Proxy-Connection"};
const char* const HTTP_METHODS[] = {"OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE"};
constexpr size_t HTTP_MAX_NAME_LEN = 50;

uint32_t be16(const uint8_t* p) { return uint32_t(p[0]) << 8 | p[1]; }
uint32_t be24(const uint8_t* p) { return uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2]; }
uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
uint32_t le32(const uint8_t* p) { return uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0]; }

bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
bool is_sp(uint8_t c) { return c == ' ' || c == '\t'; }
// HTTP separators and controls; bytes from 128 up count as separators too.
bool is_tspecial(uint8_t c) {
  if (c <= 32 || c >= 128) return true;
  return std::strchr("()<>@,;:\\\"/[]?={}", c) != nullptr;
}

struct Options {
  uint32_t max_plen = 0;   // packet_size; 0: no limit
  uint32_t trunc_len = 0;  // line_length; 0: no limit
  uint8_t delimiter = '\n';
};

// The reference's packet_get_length: >0 the whole packet's length, 0 more
// data needed (length unknown), <0 invalid. `header_mode` is the HTTP state
// (false: request or status line).
int64_t packet_length(Packet type, const uint8_t* p, uint32_t n, Options o, bool header_mode) {
  uint32_t hlen = 0, plen = 0;
  switch (type) {
    case Packet::Raw:
      return n;
    case Packet::One:
      hlen = 1;
      if (n < hlen) return 0;
      plen = p[0];
      break;
    case Packet::Two:
      hlen = 2;
      if (n < hlen) return 0;
      plen = be16(p);
      break;
    case Packet::Four:
      hlen = 4;
      if (n < hlen) return 0;
      plen = be32(p);
      break;
    case Packet::SunRm:
      hlen = 4;
      if (n < hlen) return 0;
      plen = be32(p) & 0x7FFFFFFF;
      break;
    case Packet::Line: {
      const void* nl = n ? std::memchr(p, o.delimiter, n) : nullptr;
      if (!nl) {
        if (o.max_plen != 0 && n > o.max_plen) return -1;
        if (o.trunc_len != 0 && n >= o.trunc_len) return o.trunc_len;
        return 0;
      }
      uint32_t len = uint32_t(static_cast<const uint8_t*>(nl) - p) + 1;
      if (o.max_plen != 0 && len > o.max_plen) return -1;
      if (o.trunc_len != 0 && len > o.trunc_len) return o.trunc_len;
      return len;
    }
    case Packet::Asn1: {
      if (n < 2) return 0;
      const uint8_t* t = p;
      int64_t left = int64_t(n) - 1;
      if ((*t++ & 0x1F) == 0x1F) {  // long tag
        while (left && (*t & 0x80)) {
          t++;
          left--;
        }
        if (left < 2) return 0;
        t++;
        left--;
      }
      uint32_t length = *t & 0x7F;
      if (*t & 0x80) {  // long length
        t++;
        left--;
        if (left < int64_t(length)) return 0;
        switch (length) {
          case 0: plen = 0; break;
          case 1: plen = t[0]; break;
          case 2: plen = be16(t); break;
          case 3: plen = be24(t); break;
          case 4: plen = be32(t); break;
          default: return -1;
        }
        t += length;
      } else {
        t++;
        plen = length;
      }
      hlen = uint32_t(t - p);
      break;
    }
    case Packet::Cdr:
      hlen = 12;
      if (n < hlen) return 0;
      if (std::memcmp(p, "GIOP", 4) != 0) return -1;
      plen = (p[6] & 1) ? le32(p + 8) : be32(p + 8);
      break;
    case Packet::Fcgi:
      hlen = 8;
      if (n < hlen) return 0;
      if (p[0] != 1) return -1;
      plen = (uint32_t(p[4]) << 8 | p[5]) + p[6];
      break;
    case Packet::Tpkt:
      hlen = 4;
      if (n < hlen) return 0;
      if (p[0] != 3) return -1;
      plen = be16(p + 2) - hlen;  // wraps for lengths below the header's
      break;
    case Packet::SslTls:
      hlen = 5;
      if (n < hlen) return 0;
      plen = ((p[0] & 0x80) && p[2] == 1) ? (be16(p) & 0x7FFF) - 3 : be16(p + 3);
      break;
    case Packet::HttpH:
    case Packet::HttpHBin:
      header_mode = true;
      [[fallthrough]];
    case Packet::Http:
    case Packet::HttpBin: {
      if ((n == 1 && p[0] == '\n') || (n == 2 && p[0] == '\r' && p[1] == '\n')) return n;
      uint32_t max_plen = o.max_plen ? o.max_plen : o.trunc_len;
      uint32_t from = 0;
      for (;;) {
        const void* nl = std::memchr(p + from, '\n', n - from);
        if (!nl) {
          if (max_plen != 0 && n >= max_plen) return -1;
          return 0;
        }
        int64_t len = static_cast<const uint8_t*>(nl) - p + 1;
        bool too_long = max_plen != 0 && len > max_plen;
        if (!header_mode) return too_long ? -1 : len;
        if (len < n) {
          if (is_sp(p[len]) && len > 2) {  // the header goes on on the next line
            from = uint32_t(len);
            continue;
          }
          return too_long ? -1 : len;
        }
        return too_long ? -1 : 0;
      }
    }
  }
  // A length header: the packet is the header and the length it gives.
  int32_t total = int32_t(hlen + plen);
  if ((o.max_plen != 0 && plen > o.max_plen) || total < int32_t(hlen)) return -1;
  return total;
}

// Builds the terms of a parsed HTTP line.
class HttpBuilder {
 public:
  // `data`: the bytes of `bin` (aligned), where the packet starts.
  HttpBuilder(Process* p, Term bin, const uint8_t* data, bool as_binary)
      : p_(p), bin_(bin), data_(data), as_binary_(as_binary) {}

  // A string of the packet (a list, or a binary for the *_bin types: a
  // sub-binary when that is smaller than a copy, as in the reference).
  Term string(const uint8_t* s, size_t len) const {
    if (!as_binary_) {
      Term l = NIL;
      for (size_t i = len; i-- > 0;) l = make_cons(p_, make_small(s[i]), l);
      return l;
    }
    bool inside = s >= data_ && s < data_ + binary_byte_size(bin_);
    if (heap_bin_words(len) > 5 && inside) return make_sub_binary(p_, bin_, (s - data_) * 8, len * 8);
    return make_binary(p_, s, len);
  }
  Term string(std::string_view s) const { return string(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

  Term parse(const uint8_t* buf, size_t len, bool header_mode) const;

 private:
  Term request(const uint8_t* buf, size_t n) const;
  Term response(const uint8_t* buf, size_t n) const;
  Term header(const uint8_t* buf, size_t n) const;
  Term uri(const uint8_t* s, size_t len) const;
  Term absolute_uri(const char* scheme, const uint8_t* s, size_t len) const;

  Process* p_;
  Term bin_;
  const uint8_t* data_;
  bool as_binary_;
};

Term HttpBuilder::absolute_uri(const char* scheme, const uint8_t* s, size_t len) const {
  // host[:port][path]; the path is "/" when missing.
  const uint8_t* slash = static_cast<const uint8_t*>(std::memchr(s, '/', len));
  Term path = slash ? string(slash, len - size_t(slash - s)) : string("/");
  size_t host_len = slash ? size_t(slash - s) : len;
  Term port = am::undefined;
  const uint8_t* colon = static_cast<const uint8_t*>(std::memchr(s, ':', host_len));
  if (colon) {
    size_t rest = host_len - size_t(colon - s) - 1;
    const uint8_t* d = colon + 1;
    int value = 0;
    while (rest && is_digit(*d)) {
      value = value * 10 + (*d++ - '0');
      rest--;
    }
    if (rest == 0 && value != 0) port = make_small(value);
    host_len = size_t(colon - s);
  }
  return make_tuple(p_, {atom_put("absoluteURI"), atom_put(scheme), string(s, host_len), port, path});
}

bool prefix_nocase(const uint8_t* s, size_t len, const char* prefix) {
  size_t n = std::strlen(prefix);
  if (len < n) return false;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c >= 'A' && c <= 'Z') c = uint8_t(c - 'A' + 'a');
    if (c != uint8_t(prefix[i])) return false;
  }
  return true;
}

// "*" | {abs_path, Path} | {absoluteURI, http | https, Host, Port, Path} |
// {scheme, Scheme, Rest} | String
Term HttpBuilder::uri(const uint8_t* s, size_t len) const {
  if (len == 1 && s[0] == '*') return atom_put("*");
  if (len <= 1 || s[0] == '/') return make_tuple(p_, {atom_put("abs_path"), string(s, len)});
  if (prefix_nocase(s, len, "http://")) return absolute_uri("http", s + 7, len - 7);
  if (prefix_nocase(s, len, "https://")) return absolute_uri("https", s + 8, len - 8);
  const uint8_t* colon = static_cast<const uint8_t*>(std::memchr(s, ':', len));
  if (!colon) return string(s, len);
  size_t slen = size_t(colon - s);
  return make_tuple(p_, {atom_put("scheme"), string(s, slen), string(colon + 1, len - slen - 1)});
}

// Reads "Major.Minor" digits at s; false if malformed.
bool read_version(const uint8_t*& s, size_t& n, int* major, int* minor) {
  const uint8_t* start = s;
  *major = *minor = 0;
  while (n && is_digit(*s)) {
    *major = 10 * *major + (*s++ - '0');
    n--;
  }
  if (s == start || !n || *s != '.') return false;
  s++;
  n--;
  start = s;
  while (n && is_digit(*s)) {
    *minor = 10 * *minor + (*s++ - '0');
    n--;
  }
  return s != start;
}

// {http_response, {Major, Minor}, Status, Phrase}, or NON_VALUE.
Term HttpBuilder::response(const uint8_t* s, size_t n) const {
  s += 5;
  n -= 5;
  int major, minor;
  if (!read_version(s, n, &major, &minor)) return NON_VALUE;
  const uint8_t* start = s;
  while (n && is_sp(*s)) s++, n--;
  if (s == start) return NON_VALUE;
  int status = 0;
  while (n && is_digit(*s)) {
    status = 10 * status + (*s++ - '0');
    n--;
  }
  start = s;
  while (n && is_sp(*s)) s++, n--;
  if (s == start && n > 0) return NON_VALUE;
  Term version = make_tuple(p_, {make_small(major), make_small(minor)});
  return make_tuple(p_, {atom_put("http_response"), version, make_small(status), string(s, n)});
}

// {http_request, Method, Uri, {Major, Minor}}, or NON_VALUE.
Term HttpBuilder::request(const uint8_t* buf, size_t n) const {
  const uint8_t* s = buf;
  while (n && !is_tspecial(*s)) s++, n--;
  size_t method_len = size_t(s - buf);
  if (n == 0 || method_len == 0 || !is_sp(*s)) return NON_VALUE;
  std::string_view method(reinterpret_cast<const char*>(buf), method_len);
  Term method_term = NON_VALUE;
  for (const char* m : HTTP_METHODS)
    if (method == m) method_term = atom_put(m);
  while (n && is_sp(*s)) s++, n--;
  const uint8_t* uri_start = s;
  while (n && !is_sp(*s)) s++, n--;
  size_t uri_len = size_t(s - uri_start);
  if (uri_len == 0) return NON_VALUE;
  while (n && is_sp(*s)) s++, n--;
  int major = 0, minor = 9;  // HTTP/0.9: no version
  if (n != 0) {
    if (n < 8 || std::memcmp(s, "HTTP/", 5) != 0) return NON_VALUE;
    s += 5;
    n -= 5;
    if (!read_version(s, n, &major, &minor)) return NON_VALUE;
  }
  if (method_term == NON_VALUE) method_term = string(method);
  Term uri_term = uri(uri_start, uri_len);
  Term version = make_tuple(p_, {make_small(major), make_small(minor)});
  return make_tuple(p_, {atom_put("http_request"), method_term, uri_term, version});
}

// {http_header, Index, Name, OriginalName, Value} | http_eoh, or NON_VALUE.
Term HttpBuilder::header(const uint8_t* buf, size_t n) const {
  if (n == 0) return atom_put("http_eoh");
  // The name, capitalised as Word-Word (first letter of each word upper case).
  std::string name;
  const uint8_t* s = buf;
  bool up = true;
  size_t name_len = 0;
  while (!is_tspecial(*s)) {
    if (name_len < HTTP_MAX_NAME_LEN) {
      char c = char(*s);
      if (up) {
        if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
        up = false;
      } else if (c >= 'A' && c <= 'Z') {
        c = char(c - 'A' + 'a');
      } else if (c == '-') {
        up = true;
      }
      name.push_back(c);
    }
    name_len++;
    s++;
    if (--n == 0) return NON_VALUE;
  }
  if (*s != ':') return NON_VALUE;
  Term index = make_small(0), name_term = NON_VALUE;
  if (name_len <= HTTP_MAX_NAME_LEN) {
    for (size_t i = 0; i < std::size(HTTP_HEADERS); i++) {
      if (name == HTTP_HEADERS[i]) {
        index = make_small(SWord(i + 1));
        name_term = atom_put(HTTP_HEADERS[i]);
      }
    }
    if (name_term == NON_VALUE) name_term = string(name);
  } else {
    name_term = string(buf, name_len);  // too long: as written
  }
  s++;
  n--;
  while (n && is_sp(*s)) s++, n--;
  return make_tuple(p_, {atom_put("http_header"), index, name_term, string(buf, name_len), string(s, n)});
}

Term HttpBuilder::parse(const uint8_t* buf, size_t len, bool header_mode) const {
  size_t n = len;  // without the line end
  if (n >= 2 && buf[n - 2] == '\r') n -= 2;
  else if (n >= 1 && buf[n - 1] == '\n') n -= 1;
  Term t;
  if (header_mode) t = header(buf, n);
  else if (n >= 5 && std::memcmp(buf, "HTTP/", 5) == 0) t = response(buf, n);
  else t = request(buf, n);
  if (t == NON_VALUE) t = make_tuple(p_, {atom_put("http_error"), string(buf, len)});
  return t;
}

bool packet_type(Term t, Packet* out) {
  if (t == make_small(0) || t == atom_put("raw")) *out = Packet::Raw;
  else if (t == make_small(1)) *out = Packet::One;
  else if (t == make_small(2)) *out = Packet::Two;
  else if (t == make_small(4)) *out = Packet::Four;
  else if (t == atom_put("asn1")) *out = Packet::Asn1;
  else if (t == atom_put("sunrm")) *out = Packet::SunRm;
  else if (t == atom_put("cdr")) *out = Packet::Cdr;
  else if (t == atom_put("fcgi")) *out = Packet::Fcgi;
  else if (t == atom_put("line")) *out = Packet::Line;
  else if (t == atom_put("tpkt")) *out = Packet::Tpkt;
  else if (t == atom_put("http")) *out = Packet::Http;
  else if (t == atom_put("httph")) *out = Packet::HttpH;
  else if (t == atom_put("http_bin")) *out = Packet::HttpBin;
  else if (t == atom_put("httph_bin")) *out = Packet::HttpHBin;
  else if (t == atom_put("ssl_tls")) *out = Packet::SslTls;
  else return false;
  return true;
}

// {packet_size, N}, {line_length, N}, {line_delimiter, C} (line only).
bool parse_options(Term opts, Packet type, Options* o) {
  Term l = opts;
  for (; is_list(l); l = cdr(l)) {
    Term t = car(l);
    uint64_t v;
    if (!is_tuple(t) || tuple_arity(t) != 2 || !term_to_uint64(tuple_elem(t, 2), &v) || v > UINT32_MAX) return false;
    Term key = tuple_elem(t, 1);
    if (key == atom_put("packet_size")) o->max_plen = uint32_t(v);
    else if (key == atom_put("line_length")) o->trunc_len = uint32_t(v);
    else if (key == atom_put("line_delimiter") && type == Packet::Line && v <= 255) o->delimiter = uint8_t(v);
    else return false;
  }
  return is_nil(l);
}

}  // namespace

BIF_FN(erlang_decode_packet_3) {
  Packet type;
  if (!packet_type(args[0], &type)) return raise_error_cause(p, am::badarg, atom_put("badopt"));
  Term bin = args[1];
  if (!is_bitstring(bin) || (!is_list(args[2]) && !is_nil(args[2]))) return raise_badarg(p);
  Options o;
  if (!parse_options(args[2], type, &o)) return raise_badarg(p);

  BinaryBytes bytes(bin);
  const uint8_t* data = bytes.data();
  uint32_t n = uint32_t(bytes.size());
  int64_t len = packet_length(type, data, n, o, false);
  if (len < 0) return make_tuple(p, {am::error, atom_put("invalid")});
  if (len == 0 || len > int64_t(n)) return make_tuple(p, {atom_put("more"), len == 0 ? am::undefined : make_integer(p, len)});

  Term packet;
  switch (type) {
    case Packet::Http:
    case Packet::HttpH:
    case Packet::HttpBin:
    case Packet::HttpHBin: {
      bool as_binary = type == Packet::HttpBin || type == Packet::HttpHBin;
      bool header_mode = type == Packet::HttpH || type == Packet::HttpHBin;
      packet = HttpBuilder(p, bin, data, as_binary).parse(data, size_t(len), header_mode);
      break;
    }
    case Packet::SslTls: {
      // {ssl_tls, [], ContentType, {Major, Minor}, Body}; an SSLv2 client
      // hello is given as a handshake record <<1, Length:24, Data>>.
      std::string body;
      unsigned content, major, minor;
      if ((data[0] & 0x80) && data[2] == 1) {
        content = 22;
        major = data[3];
        minor = data[4];
        uint32_t blen = uint32_t(len) - 3;
        body = {char(1), char(blen >> 16), char(blen >> 8), char(blen)};
        body.append(reinterpret_cast<const char*>(data + 3), blen);
      } else {
        content = data[0];
        major = data[1];
        minor = data[2];
        body.assign(reinterpret_cast<const char*>(data + 5), size_t(len) - 5);
      }
      Term body_bin = make_binary(p, reinterpret_cast<const uint8_t*>(body.data()), body.size());
      Term version = make_tuple(p, {make_small(major), make_small(minor)});
      packet = make_tuple(p, {atom_put("ssl_tls"), NIL, make_small(content), version, body_bin});
      break;
    }
    default: {
      // The body: without the length header (1, 2, 4) or the padding (fcgi).
      size_t skip = type == Packet::One ? 1 : type == Packet::Two ? 2 : type == Packet::Four ? 4 : 0;
      size_t body_len = size_t(len) - skip;
      if (type == Packet::Fcgi) body_len -= data[6];
      packet = make_sub_binary(p, bin, skip * 8, body_len * 8);
    }
  }
  // The rest keeps any trailing bits of the input.
  Term rest = make_sub_binary(p, bin, UWord(len) * 8, bitstring_bits(bin) - UWord(len) * 8);
  return make_tuple(p, {am::ok, packet, rest});
}

}  // namespace bvm
