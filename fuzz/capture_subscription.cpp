// Fuzz target: a CloudWatch Logs subscription payload, the line
// {"awslogs":{"data":"<base64 of gzip JSON>"}} capture reads from a
// subscription's delivery (capture::Extractor with base64_decode and gunzip).
//
// Random bytes are almost never a gzip stream, so the first input byte says
// what the rest is: odd, the gzip stream itself (corrupt, truncated, bombs);
// even, the JSON inside, which the target compresses (so the fuzzer explores
// the payload's structure: messageType, logEvents, control messages).
// Properties: nothing throws; inflating stops at the limit; the decoders
// agree with the encoders on what they accept.
#include <string>

#include <zlib.h>

#include "fuzz_target.hpp"
#include "reprise/capture/extractor.hpp"
#include "reprise/capture/payload.hpp"

namespace {

using reprise::fuzz::require;
namespace capture = reprise::capture;

constexpr std::size_t kInflateLimit = 1u << 20;

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char byte : bytes) {
    bits = (bits << 8) | static_cast<unsigned char>(byte);
    count += 8;
    while (count >= 6) out += kAlphabet[(bits >> (count -= 6)) & 63];
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 63];
  while (out.size() % 4 != 0) out += '=';
  return out;
}

std::string gzip(std::string_view text) {
  z_stream stream{};
  require(deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
  std::string out(deflateBound(&stream, text.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  require(deflate(&stream, Z_FINISH) == Z_STREAM_END, "deflate");
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto rest = reprise::fuzz::as_text(data + 1, size - 1);
  const bool raw_gzip = (data[0] & 1) != 0;
  const std::string compressed = raw_gzip ? std::string(rest) : gzip(rest);

  const auto inflated = capture::gunzip(compressed, kInflateLimit);
  if (inflated) require(inflated->size() <= kInflateLimit, "gunzip stops at its limit");
  if (!raw_gzip && rest.size() <= kInflateLimit) {
    require(inflated.has_value() && *inflated == rest, "gunzip reads back what gzip wrote");
  }
  const std::string encoded = base64(compressed);
  const auto decoded = capture::base64_decode(encoded);
  require(decoded.has_value() && *decoded == compressed, "base64_decode reads back standard base64");
  (void)capture::base64_decode(rest);  // arbitrary text as base64: an error or bytes, never a crash

  capture::Extractor extractor([](capture::Json, const capture::Origin&) {}, [](const capture::Origin&, std::string) {},
                               capture::ExtractorLimits{.max_inflated_bytes = kInflateLimit});
  capture::Origin origin;
  origin.source = "fuzz.log";
  origin.line = 1;
  extractor.line(R"({"awslogs":{"data":")" + encoded + R"("}})", origin);
  return 0;
}
