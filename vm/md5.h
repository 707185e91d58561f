// MD5 (RFC 1321). Used for module checksums (module_info(md5), the `uniq`
// field of fun entries) and available for erlang:md5/1 and friends.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bvm {

class Md5 {
 public:
  Md5();
  void update(const void* data, size_t len);
  // Writes the 16-byte digest; the object must not be updated afterwards.
  void finish(uint8_t out[16]);

 private:
  void block(const uint8_t* p);
  uint32_t state_[4];
  uint64_t length_ = 0;  // bytes hashed so far
  uint8_t buf_[64];
  size_t used_ = 0;      // bytes in buf_
};

}  // namespace bvm
