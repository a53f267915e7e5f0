// The libcrypto functions rootguard calls (SHA-256 and HMAC-SHA256: AWS request signing,
// webhook signatures, sink ids), each forwarding to libcrypto's own, loaded on the first call
// (core/dynlib.h says why).
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "core/dynlib.h"

#define RG_CRYPTO_FN(ret, name, params, args) \
  RG_DYNLIB_FORWARD("libcrypto.so.3", "SHA-256 and HMAC", ret, name, params, args)

extern "C" {

RG_CRYPTO_FN(unsigned char*, SHA256, (const unsigned char* d, size_t n, unsigned char* md), (d, n, md))
RG_CRYPTO_FN(const EVP_MD*, EVP_sha256, (void), ())
RG_CRYPTO_FN(unsigned char*, HMAC,
             (const EVP_MD* evp_md, const void* key, int key_len, const unsigned char* data, size_t data_len,
              unsigned char* md, unsigned int* md_len),
             (evp_md, key, key_len, data, data_len, md, md_len))

}  // extern "C"
