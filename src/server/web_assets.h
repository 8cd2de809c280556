// The files of web/ (the page people use), embedded in the binary at build
// time by cmake/embed_web.cmake, and served by routes_web.cc.
//
// Thread safety: immutable static data.
#ifndef NOROTRIAGE_SERVER_WEB_ASSETS_H_
#define NOROTRIAGE_SERVER_WEB_ASSETS_H_

#include <cstddef>
#include <span>
#include <string_view>

namespace norotriage::server {

struct WebAsset {
  std::string_view path;          // relative to web/: "index.html", "app.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view etag;          // a strong ETag, quoted: "\"3f2a…\"" (from the SHA-256 of the bytes)
  const unsigned char* data;      // `size` bytes
  std::size_t size;
};

// Every embedded file, sorted by path. Defined in the generated web_assets.cc.
std::span<const WebAsset> WebAssets();

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_WEB_ASSETS_H_
