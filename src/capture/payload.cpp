#include "reprise/capture/payload.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <array>
#include <climits>

namespace reprise::capture {
namespace {

constexpr int kInvalid = -1;

constexpr std::array<int, 256> base64_table() {
  std::array<int, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  return table;
}

}  // namespace

util::Expected<std::string, std::string> base64_decode(std::string_view text) {
  static constexpr auto table = base64_table();
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return util::unexpected(fmt::format("bad base64: {} characters cannot be a whole encoding", text.size()));
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  unsigned bits = 0;
  int count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    int value = table[static_cast<unsigned char>(text[i])];
    if (value == kInvalid) return util::unexpected(fmt::format("bad base64: unexpected byte 0x{:02x} at offset {}", static_cast<unsigned char>(text[i]), i));
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xffu));
    }
  }
  return out;
}

util::Expected<std::string, std::string> gunzip(std::string_view bytes, std::size_t max_output) {
  z_stream stream{};
  // 15 + 16: a gzip header and trailer (not a raw zlib stream).
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return util::unexpected(std::string("gzip: cannot initialise zlib"));
  std::string out;
  std::array<char, 64 * 1024> chunk{};
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  std::size_t left = bytes.size();
  int status = Z_OK;
  std::string error;
  while (error.empty()) {
    if (stream.avail_in == 0 && left > 0) {
      auto take = static_cast<uInt>(std::min<std::size_t>(left, UINT_MAX));
      stream.avail_in = take;
      left -= take;
    }
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk.data(), chunk.size() - stream.avail_out);
    if (out.size() > max_output) {
      error = fmt::format("gzip: the payload inflates to more than {} bytes; refusing it", max_output);
    } else if (status == Z_STREAM_END) {
      if (stream.avail_in == 0 && left == 0) break;
      inflateReset(&stream);  // another gzip member follows
    } else if (status == Z_BUF_ERROR && stream.avail_in == 0 && left == 0) {
      error = fmt::format("gzip: truncated stream (ended after {} compressed bytes)", bytes.size());
    } else if (status != Z_OK && status != Z_BUF_ERROR) {
      error = fmt::format("gzip: corrupt stream ({})", stream.msg ? stream.msg : "zlib error " + std::to_string(status));
    }
  }
  inflateEnd(&stream);
  if (!error.empty()) return util::unexpected(std::move(error));
  return out;
}

}  // namespace reprise::capture
