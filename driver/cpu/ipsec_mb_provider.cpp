// intel-ipsec-mb crypto provider: the fast one on x86-64. Per SA it precomputes AES key
// schedules, GCM hash-key tables and the HMAC ipad/opad states at install; per burst it
// submits every job at once through the burst API, so the multi-buffer AES-CBC and SHA
// lanes fill up (one job at a time runs ~10x slower). RFC 3602 / 4868 / 2404 / 4106.
#include <intel-ipsec-mb.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>

#include "crypto_provider.hpp"

namespace espgw::driver::cpu {
namespace {

constexpr std::uint32_t kAesRoundKeysBytes = 16 * 15;  // AES-256 has 15 round keys

class ImbSaCrypto final : public SaCrypto {
 public:
  using SaCrypto::SaCrypto;
  ~ImbSaCrypto() override {
    // Every copy of the key: both expanded schedules, GCM tables and the HMAC states.
    OPENSSL_cleanse(enc_keys, sizeof enc_keys);
    OPENSSL_cleanse(dec_keys, sizeof dec_keys);
    OPENSSL_cleanse(&gcm, sizeof gcm);
    OPENSSL_cleanse(ipad, sizeof ipad);
    OPENSSL_cleanse(opad, sizeof opad);
  }
  alignas(64) std::uint8_t enc_keys[kAesRoundKeysBytes] = {};
  alignas(64) std::uint8_t dec_keys[kAesRoundKeysBytes] = {};
  alignas(64) gcm_key_data gcm = {};
  alignas(64) std::uint8_t ipad[32] = {};
  alignas(64) std::uint8_t opad[32] = {};
};

const char* arch_name(IMB_ARCH arch) {
  switch (arch) {
    case IMB_ARCH_SSE: return "sse";
    case IMB_ARCH_AVX: return "avx";
    case IMB_ARCH_AVX2: return "avx2";
    case IMB_ARCH_AVX512: return "avx512";
    default: return "no-aesni";
  }
}

class IpsecMbProvider final : public CryptoProvider {
 public:
  IpsecMbProvider(IMB_MGR* mgr, IMB_ARCH arch) : mgr_(mgr), arch_(arch) {}
  ~IpsecMbProvider() override { free_mb_mgr(mgr_); }

  std::string name() const override { return "ipsec-mb"; }
  std::string description() const override {
    return std::string("intel-ipsec-mb ") + imb_get_version_str() + " (" + arch_name(arch_) + ")";
  }

  std::unique_ptr<SaCrypto> make_sa(Transform transform, std::span<const std::uint8_t> enc_key,
                                    std::span<const std::uint8_t> auth_key, std::uint32_t salt,
                                    Direction) override {
    const bool k256 = enc_key.size() == 32;
    if (enc_key.size() != 16 && !k256) return nullptr;
    auto sa = std::make_unique<ImbSaCrypto>(transform, static_cast<std::uint32_t>(enc_key.size()), salt);
    // The key-expansion entry points only read the manager's function table, so calling
    // them from the control thread while process() runs bursts is safe.
    if (transform == Transform::kAesGcm16) {
      if (k256) {
        IMB_AES256_GCM_PRE(mgr_, enc_key.data(), &sa->gcm);
      } else {
        IMB_AES128_GCM_PRE(mgr_, enc_key.data(), &sa->gcm);
      }
      return sa;
    }
    if (auth_key.empty() || auth_key.size() > kHmacBlock) return nullptr;
    if (k256) {
      IMB_AES_KEYEXP_256(mgr_, enc_key.data(), sa->enc_keys, sa->dec_keys);
    } else {
      IMB_AES_KEYEXP_128(mgr_, enc_key.data(), sa->enc_keys, sa->dec_keys);
    }
    // HMAC (RFC 2104): the inner and outer hash states after one block of K^ipad / K^opad.
    alignas(16) std::uint8_t block[kHmacBlock];
    for (int pass = 0; pass < 2; ++pass) {
      const std::uint8_t pad = pass == 0 ? 0x36 : 0x5c;
      std::memset(block, pad, sizeof block);
      for (std::size_t i = 0; i < auth_key.size(); ++i) block[i] ^= auth_key[i];
      std::uint8_t* out = pass == 0 ? sa->ipad : sa->opad;
      if (transform == Transform::kAesCbcHmacSha1) {
        IMB_SHA1_ONE_BLOCK(mgr_, block, out);
      } else {
        IMB_SHA256_ONE_BLOCK(mgr_, block, out);
      }
    }
    OPENSSL_cleanse(block, sizeof block);
    return sa;
  }

  void encrypt_burst(std::span<CryptoOp> ops) override {
    // CBC IVs first (one AES block each, also in a burst), then the ESP jobs.
    run(ops, [](IMB_JOB* job, CryptoOp& op) { return fill_iv_job(job, op); }, false);
    run(ops, [](IMB_JOB* job, CryptoOp& op) { return fill_job(job, op, true); }, false);
  }

  void decrypt_burst(std::span<CryptoOp> ops) override {
    run(ops, [](IMB_JOB* job, CryptoOp& op) { return fill_job(job, op, false); }, true);
  }

 private:
  // NIST SP 800-38A Appendix C: IV = AES-Encrypt_K(counter block) under the SA's own key.
  static bool fill_iv_job(IMB_JOB* job, CryptoOp& op) {
    const auto& sa = static_cast<const ImbSaCrypto&>(*op.sa);
    if (sa.is_gcm()) return false;
    job->cipher_mode = IMB_CIPHER_ECB;
    job->hash_alg = IMB_AUTH_NULL;
    job->cipher_direction = IMB_DIR_ENCRYPT;
    job->chain_order = IMB_ORDER_CIPHER_HASH;
    job->enc_keys = sa.enc_keys;
    job->dec_keys = sa.dec_keys;
    job->key_len_in_bytes = sa.key_len();
    job->src = op.iv_seed;
    job->dst = op.iv;
    job->cipher_start_src_offset_in_bytes = 0;
    job->msg_len_to_cipher_in_bytes = kCbcIvLen;
    job->iv = nullptr;
    job->iv_len_in_bytes = 0;
    job->hash_start_src_offset_in_bytes = 0;
    job->msg_len_to_hash_in_bytes = 0;
    job->auth_tag_output = nullptr;
    job->auth_tag_output_len_in_bytes = 0;
    job->user_data = nullptr;  // the ESP job's completion decides op.ok
    return true;
  }

  static bool fill_job(IMB_JOB* job, CryptoOp& op, bool encrypt) {
    const auto& sa = static_cast<const ImbSaCrypto&>(*op.sa);
    job->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
    // Encrypt-then-MAC: the MAC covers the ciphertext on both sides.
    job->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
    job->key_len_in_bytes = sa.key_len();
    job->src = op.base;
    job->dst = op.base + op.cipher_offset;
    job->cipher_start_src_offset_in_bytes = op.cipher_offset;
    job->msg_len_to_cipher_in_bytes = op.cipher_len;
    job->auth_tag_output = encrypt ? op.icv : op.icv_calc;
    job->auth_tag_output_len_in_bytes = sa.icv_len();
    job->user_data = &op;
    if (sa.is_gcm()) {
      job->cipher_mode = IMB_CIPHER_GCM;
      job->hash_alg = IMB_AUTH_AES_GMAC;
      job->enc_keys = &sa.gcm;
      job->dec_keys = &sa.gcm;
      job->iv = op.nonce;
      job->iv_len_in_bytes = kGcmNonceLen;
      job->u.GCM.aad = op.aad;
      job->u.GCM.aad_len_in_bytes = op.aad_len;
      job->hash_start_src_offset_in_bytes = op.cipher_offset;
      job->msg_len_to_hash_in_bytes = op.cipher_len;
    } else {
      job->cipher_mode = IMB_CIPHER_CBC;
      job->hash_alg = sa.transform() == Transform::kAesCbcHmacSha1 ? IMB_AUTH_HMAC_SHA_1 : IMB_AUTH_HMAC_SHA_256;
      job->enc_keys = sa.enc_keys;
      job->dec_keys = sa.dec_keys;
      job->iv = op.iv;
      job->iv_len_in_bytes = kCbcIvLen;
      job->u.HMAC._hashed_auth_key_xor_ipad = sa.ipad;
      job->u.HMAC._hashed_auth_key_xor_opad = sa.opad;
      job->hash_start_src_offset_in_bytes = op.auth_offset;
      job->msg_len_to_hash_in_bytes = op.auth_len;
    }
    return true;
  }

  static void complete(IMB_JOB* job, bool verify) {
    auto* op = static_cast<CryptoOp*>(job->user_data);
    if (op == nullptr) return;
    const bool done = job->status == IMB_STATUS_COMPLETED;
    op->ok = done && (!verify || CRYPTO_memcmp(op->icv_calc, op->icv, op->sa->icv_len()) == 0);
  }

  // Submits the ops that `fill` accepts, kMaxBurst at a time, then flushes the manager so
  // every job has completed when run() returns.
  template <typename Fill>
  void run(std::span<CryptoOp> ops, Fill fill, bool verify) {
    IMB_JOB* jobs[IMB_MAX_BURST_SIZE];
    std::size_t i = 0;
    while (i < ops.size()) {
      const auto want = static_cast<std::uint32_t>(std::min<std::size_t>(ops.size() - i, IMB_MAX_BURST_SIZE));
      std::uint32_t got = IMB_GET_NEXT_BURST(mgr_, want, jobs);
      if (got == 0) {
        drain(jobs, verify);
        continue;
      }
      std::uint32_t n = 0;
      while (n < got && i < ops.size()) {
        CryptoOp& op = ops[i++];
        op.ok = false;
        if (fill(jobs[n], op)) ++n;
      }
      if (n == 0) break;
      const std::uint32_t completed = IMB_SUBMIT_BURST(mgr_, n, jobs);
      for (std::uint32_t k = 0; k < completed; ++k) complete(jobs[k], verify);
    }
    drain(jobs, verify);
  }

  void drain(IMB_JOB** jobs, bool verify) {
    std::uint32_t n;
    while ((n = IMB_FLUSH_BURST(mgr_, IMB_MAX_BURST_SIZE, jobs)) > 0) {
      for (std::uint32_t k = 0; k < n; ++k) complete(jobs[k], verify);
    }
  }

  IMB_MGR* mgr_;
  IMB_ARCH arch_;
};

}  // namespace

std::unique_ptr<CryptoProvider> make_ipsec_mb_provider(std::string* why) {
  IMB_MGR* mgr = alloc_mb_mgr(0);
  if (mgr == nullptr) {
    if (why) *why = "alloc_mb_mgr failed";
    return nullptr;
  }
  IMB_ARCH arch = IMB_ARCH_NONE;
  init_mb_mgr_auto(mgr, &arch);
  if (imb_get_errno(mgr) != 0 || arch == IMB_ARCH_NONE || arch == IMB_ARCH_NOAESNI) {
    if (why) *why = std::string("intel-ipsec-mb: no AES-NI code path on this CPU (") + arch_name(arch) + ")";
    free_mb_mgr(mgr);
    return nullptr;
  }
  return std::make_unique<IpsecMbProvider>(mgr, arch);
}

}  // namespace espgw::driver::cpu
