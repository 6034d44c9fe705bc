// esp_sa_table: the SA table's RAMs (one read/write port each, registered read; inferable as
// URAM/BRAM): the readable record (words 0-23 and the counters 48-63; the key words 24-47
// always read as zero, so they are not stored), the secrets (15 AES round keys, the GHASH
// subkey H, the HMAC inner and outer states) and the replay bitmaps (RFC 4303 A2.1: a ring
// of esp_reg_pkg::ReplayWindowMax bits per SA, 32 words of 128 bits).
module esp_sa_table #(
  parameter int unsigned SaCapacity = 4096
) (
  input  logic                          clk_i,
  // Record
  input  logic                          rec_en_i,
  input  logic                          rec_we_i,
  input  logic [15:0]                   rec_idx_i,
  input  esp_kernel_pkg::rec_t          rec_wdata_i,
  output esp_kernel_pkg::rec_t          rec_rdata_o,
  // Secrets: {round keys 14..0, H, inner state, outer state}
  input  logic                          key_en_i,
  input  logic                          key_we_i,
  input  logic [15:0]                   key_idx_i,
  input  logic [esp_kernel_pkg::KeyBits-1:0] key_wdata_i,
  output logic [esp_kernel_pkg::KeyBits-1:0] key_rdata_o,
  // Replay bitmap word {slot, word}
  input  logic                          rp_en_i,
  input  logic                          rp_we_i,
  input  logic [15:0]                   rp_idx_i,
  input  logic [4:0]                    rp_word_i,
  input  logic [127:0]                  rp_wdata_i,
  output logic [127:0]                  rp_rdata_o
);
  localparam int unsigned KeyBits = esp_kernel_pkg::KeyBits;
  localparam int unsigned IdxBits = $clog2(SaCapacity);
  localparam int unsigned Kept = 24 + 16;  // words 0-23 and 48-63

  logic [32*Kept-1:0]  rec_mem [SaCapacity];
  logic [KeyBits-1:0]  key_mem [SaCapacity];
  logic [127:0]        rp_mem  [SaCapacity * 32];

  logic [32*Kept-1:0] rec_packed, rec_q;
  always_comb begin
    for (int unsigned k = 0; k < 24; k++) rec_packed[32 * k +: 32] = rec_wdata_i[32 * k +: 32];
    for (int unsigned k = 0; k < 16; k++) rec_packed[32 * (24 + k) +: 32] = rec_wdata_i[32 * (48 + k) +: 32];
    rec_rdata_o = '0;
    for (int unsigned k = 0; k < 24; k++) rec_rdata_o[32 * k +: 32] = rec_q[32 * k +: 32];
    for (int unsigned k = 0; k < 16; k++) rec_rdata_o[32 * (48 + k) +: 32] = rec_q[32 * (24 + k) +: 32];
  end

  always_ff @(posedge clk_i) begin
    if (rec_en_i) begin
      if (rec_we_i) rec_mem[rec_idx_i[IdxBits-1:0]] <= rec_packed;
      else rec_q <= rec_mem[rec_idx_i[IdxBits-1:0]];
    end
    if (key_en_i) begin
      if (key_we_i) key_mem[key_idx_i[IdxBits-1:0]] <= key_wdata_i;
      else key_rdata_o <= key_mem[key_idx_i[IdxBits-1:0]];
    end
    if (rp_en_i) begin
      if (rp_we_i) rp_mem[{rp_idx_i[IdxBits-1:0], rp_word_i}] <= rp_wdata_i;
      else rp_rdata_o <= rp_mem[{rp_idx_i[IdxBits-1:0], rp_word_i}];
    end
  end

  logic unused_idx;
  assign unused_idx = ^{rec_idx_i[15:IdxBits], key_idx_i[15:IdxBits], rp_idx_i[15:IdxBits]};

endmodule
