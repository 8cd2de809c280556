// The compiled knowledge base as a compact binary image.
//
// The build compiles knowledge/*.yaml once (tools/kbc.cc) and embeds the
// image in the binary, so start-up reads a few kilobytes instead of parsing
// YAML. The image starts with a magic number and a format version; reading
// checks every length against the bytes left, so a damaged image is a clean
// Corruption error, never a crash.
#ifndef NOROTRIAGE_KB_KB_IMAGE_H_
#define NOROTRIAGE_KB_KB_IMAGE_H_

#include <memory>
#include <string>
#include <string_view>

#include "compile/compiled_kb.h"
#include "norotriage/status.h"

namespace norotriage::internal {

std::string WriteKbImage(const CompiledKb& kb);
Result<std::unique_ptr<CompiledKb>> ReadKbImage(std::string_view image);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_KB_IMAGE_H_
