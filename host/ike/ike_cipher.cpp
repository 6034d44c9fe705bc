// AES-CBC for IKEv1 payload encryption through OpenSSL EVP (RFC 3602).
#include "host/ike/ike_cipher.hpp"

#include <memory>
#include <openssl/evp.h>

namespace espgw::ike {

namespace {
struct CtxFree { void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); } };

const EVP_CIPHER* aes_cbc(std::size_t key_size) {
  switch (key_size) {
    case 16: return EVP_aes_128_cbc();
    case 24: return EVP_aes_192_cbc();
    case 32: return EVP_aes_256_cbc();
    default: return nullptr;
  }
}

bool run(const SecretBytes& key, ByteView in, const Bytes& iv, Bytes& out, int enc) {
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  int len = 0, fin = 0;
  out.resize(in.size());
  return ctx && EVP_CipherInit_ex2(ctx.get(), aes_cbc(key.size()), key.view().data(), iv.data(), enc, nullptr) > 0 &&
         EVP_CIPHER_CTX_set_padding(ctx.get(), 0) > 0 &&
         EVP_CipherUpdate(ctx.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) > 0 &&
         EVP_CipherFinal_ex(ctx.get(), out.data() + len, &fin) > 0 && static_cast<std::size_t>(len + fin) == in.size();
}
}  // namespace

std::optional<IkeCipher> IkeCipher::create(const SecretBytes& key) {
  if (aes_cbc(key.size()) == nullptr) return std::nullopt;
  return IkeCipher(key);
}

Bytes IkeCipher::encrypt(ByteView plaintext, Bytes& iv) const {
  if (iv.size() != kAesBlockSize) return {};
  Bytes padded(plaintext.begin(), plaintext.end());
  // Zero padding to the block size; the receiver stops at the last payload's next = 0.
  padded.resize((padded.size() + kAesBlockSize - 1) / kAesBlockSize * kAesBlockSize, 0);
  if (padded.empty()) padded.resize(kAesBlockSize, 0);
  Bytes out;
  if (!run(key_, padded, iv, out, 1)) return {};
  iv.assign(out.end() - static_cast<std::ptrdiff_t>(kAesBlockSize), out.end());
  return out;
}

std::optional<Bytes> IkeCipher::decrypt(ByteView ciphertext, Bytes& iv) const {
  if (ciphertext.empty() || ciphertext.size() % kAesBlockSize != 0 || iv.size() != kAesBlockSize) return std::nullopt;
  Bytes out;
  if (!run(key_, ciphertext, iv, out, 0)) return std::nullopt;
  iv.assign(ciphertext.end() - static_cast<std::ptrdiff_t>(kAesBlockSize), ciphertext.end());
  return out;
}

}  // namespace espgw::ike
