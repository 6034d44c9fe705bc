// esp_crypt: the ESP cipher over a byte range of the local packet buffer, in place:
// AES-GCM encryption/decryption with the tag over AAD || ciphertext (SP 800-38D, RFC 4106;
// CTR keystream one block per clock, GHASH on the ciphertext as it passes), AES-CBC
// decryption at one block per clock (RFC 3602: no chaining through the cipher), AES-CBC
// encryption (serial: one block per pipe latency) and one ECB block (H, the CBC IV).
// EnableCbc = 0 builds the GCM-only engine: no decryption pipe and no CBC states; a CBC
// request then finishes at once without touching the buffer (esp_core never issues one).
// An outbound GCM request (icv_wr) writes its tag behind the range itself and raises tail_o
// two clocks before its last ciphertext block leaves the AES pipe: the framer then ends, and
// the next job's descriptor, SA read and header check overlap the last blocks, the lengths
// block, the GHASH drain and the tag. The AES pipe carries each block's round keys with it,
// so esp_core may zero or replace key_q then; it keeps this engine's buffer accesses in the
// issuing job's region, and H is held here from the request's clock.
module esp_crypt #(
  parameter bit EnableCbc = 1'b1
) (
  input  logic                                              clk_i,
  input  logic                                              rst_ni,
  input  esp_kernel_pkg::crypt_req_t                        req_i,
  input  logic                                              aes256_i,
  input  logic [esp_aes_pkg::NumRoundKeys-1:0][127:0]       round_keys_i,
  input  logic [127:0]                                      h_i,        // GHASH subkey
  output logic                                              busy_o,
  output logic                                              done_o,     // one clock
  output logic [127:0]                                      result_o,   // GCM tag / ECB block
  output logic [31:0]                                       gcm_written_o,  // base + bytes written
  output logic                                              tail_o,     // icv_wr request past its reads
  output esp_kernel_pkg::buf_req_t                          buf_o,
  input  logic [127:0]                                      buf_rd_data_i
);
  localparam int unsigned AB = esp_kernel_pkg::BufAddrBits;
  localparam logic [1:0] KindCtr = 2'd0, KindJ0 = 2'd1, KindOne = 2'd2;

  typedef enum logic [3:0] {
    Idle,
    GcmH2,
    GcmRun,
    GcmLens,
    GcmTag,
    CbcEncRead,
    CbcEncFeed,
    CbcEncWait,
    CbcDecRun,
    EcbWait,
    Finish
  } state_e;
  state_e state_q;
  state_e state_d;
  logic done_q;
  logic done_d;

  esp_kernel_pkg::crypt_mode_e mode_q;

  esp_kernel_pkg::crypt_mode_e mode_d;
  logic [127:0]  iv_q, aad_q, chain_q, ej0_q, h2_q, result_q;
  logic [127:0] result_d;
  logic [127:0] h2_d;
  logic [127:0] aad_d;
  logic [127:0] chain_d;
  logic [127:0] iv_d;
  logic [127:0] ej0_d;
  logic          aad12_q;
  logic aad12_d;
  logic [AB-1:0] addr_q, len_q;
  logic [AB-1:0] len_d;
  logic [AB-1:0] addr_d;
  logic [15:0]   nblocks_q, issued_q, fed_q, written_q;
  logic [15:0] written_d;
  logic [15:0] fed_d;
  logic [15:0] issued_d;
  logic [15:0] nblocks_d;
  logic          aad_fed_q;
  logic aad_fed_d;
  logic          icv_wr_q, icv_done_q;
  logic icv_wr_d;
  logic icv_done_d;
  logic [AB-1:0] base_q;
  logic [AB-1:0] base_d;
  logic [127:0]  h_q;  // H from the request's clock (the core may zero its keys in the tail)
  logic [127:0] h_d;

  // ---------------------------------------------------------------------------------------
  // Engines
  // ---------------------------------------------------------------------------------------
  logic         enc_valid_i, enc_valid_o;
  logic [17:0]  enc_tag_i, enc_tag_o;
  logic [127:0] enc_block_i, enc_block_o;
  esp_aes_enc_pipe #(
    .TagWidth(18)
  ) u_enc (
    .clk_i,
    .rst_ni,
    .valid_i     (enc_valid_i),
    .tag_i       (enc_tag_i),
    .aes256_i,
    .round_keys_i,
    .block_i     (enc_block_i),
    .valid_o     (enc_valid_o),
    .tag_o       (enc_tag_o),
    .block_o     (enc_block_o)
  );

  logic         dec_valid_i, dec_valid_o;
  logic [143:0] dec_tag_i, dec_tag_o;
  logic [127:0] dec_block_o;
  if (EnableCbc) begin : g_dec
    esp_aes_dec_pipe #(
      .TagWidth(144)
    ) u_dec (
      .clk_i,
      .rst_ni,
      .valid_i     (dec_valid_i),
      .tag_i       (dec_tag_i),
      .aes256_i,
      .round_keys_i,
      .block_i     (buf_rd_data_i),
      .valid_o     (dec_valid_o),
      .tag_o       (dec_tag_o),
      .block_o     (dec_block_o)
    );
  end else begin : g_no_dec
    assign dec_valid_o = 1'b0;
    assign dec_tag_o   = '0;
    assign dec_block_o = '0;
    logic unused_dec;
    assign unused_dec = ^{dec_valid_i, dec_tag_i};
  end

  logic         gcm_start;  // a GCM request's first clock (below)
  logic         gh_valid, gh_first, gh_left, gh_valid_o;
  logic [127:0] gh_block, gh_out;
  logic         gh_tag_unused;
  esp_ghash #(
    .Lanes   (2),
    .TagWidth(1)
  ) u_ghash (
    .clk_i,
    .rst_ni,
    .valid_i (gh_valid),
    .first_i (gh_first),
    .left_i  (gh_left),
    .block_i (gh_block),
    .h_pow_i ({h2_q, gcm_start ? h_i : h_q}),
    .tag_i   (1'b0),
    .valid_o (gh_valid_o),
    .ghash_o (gh_out),
    .tag_o   (gh_tag_unused)
  );

  // ---------------------------------------------------------------------------------------
  // GCM keystream stage: a CTR block leaves the pipe, its buffer block is read, and one
  // clock later both meet.
  // ---------------------------------------------------------------------------------------
  logic          ks_valid_q;
  logic ks_valid_d;
  logic [127:0]  ks_q;
  logic [127:0] ks_d;
  logic [15:0]   ks_idx_q;
  logic [15:0] ks_idx_d;
  logic [AB-1:0] ks_left;      // bytes of the packet from block ks_idx_q on
  logic [15:0]   ks_mask;
  logic [127:0]  ks_bytes_mask, ks_out;
  assign ks_left = len_q - {ks_idx_q[12:0], 4'd0};
  assign ks_mask = esp_kernel_pkg::mask_first(ks_left);
  always_comb begin
    for (int unsigned b = 0; b < 16; b++) ks_bytes_mask[127 - 8 * b -: 8] = {8{ks_mask[15 - b]}};
  end
  assign ks_out = (buf_rd_data_i ^ ks_q) & ks_bytes_mask;

  logic gcm, ctr_issue, ctr_out, j0_issue, j0_todo_q, j0_todo_d;
  // A GCM request's first clock: the first CTR block (E(J0) if the range is empty) enters
  // the AES pipe and H enters GHASH (for H^2).
  assign gcm_start = state_q == Idle && req_i.start &&
                     (req_i.mode == esp_kernel_pkg::CryptGcmEnc ||
                      req_i.mode == esp_kernel_pkg::CryptGcmDec);
  assign gcm       = mode_q == esp_kernel_pkg::CryptGcmEnc || mode_q == esp_kernel_pkg::CryptGcmDec;
  // The CTR blocks enter the pipe back to back from the request's clock: H^2 is needed only
  // when the first ciphertext block reaches GHASH, a pipe latency later, so its wait hides in
  // the fill. E(J0) follows the last CTR block: it leaves the pipe with the last ciphertext
  // block, before the lengths block's GHASH is out. (The pipe carries each block's round
  // keys with it, so the keys may change once the last block is in.)
  assign ctr_issue = (state_q == GcmRun || state_q == GcmH2) && issued_q != nblocks_q;
  assign j0_issue  = (state_q == GcmRun || state_q == GcmH2) && issued_q == nblocks_q && j0_todo_q;
  assign ctr_out   = enc_valid_o && enc_tag_o[17:16] == KindCtr;

  // The CBC states, constant false without CBC so the paths they select are pruned even
  // where synthesis does not see that the states are unreachable.
  logic cbc_enc_read, cbc_enc_feed, cbc_enc_wait, cbc_dec_run;
  assign cbc_enc_read = EnableCbc && state_q == CbcEncRead;
  assign cbc_enc_feed = EnableCbc && state_q == CbcEncFeed;
  assign cbc_enc_wait = EnableCbc && state_q == CbcEncWait;
  assign cbc_dec_run  = EnableCbc && state_q == CbcDecRun;

  // CBC decryption: the block read last clock enters the pipe with the ciphertext before it.
  logic dec_feed_q;
  logic dec_feed_d;
  logic [15:0] dec_idx_q;
  logic [15:0] dec_idx_d;

  always_comb begin
    enc_valid_i = 1'b0;
    enc_tag_i   = {KindOne, 16'd0};
    enc_block_i = iv_q;
    if (gcm_start && req_i.len != '0) begin
      enc_valid_i = 1'b1;  // CTR block 0: inc32(J0)
      enc_tag_i   = {KindCtr, 16'd0};
      enc_block_i = {req_i.iv[127:32], req_i.iv[31:0] + 32'd1};
    end else if (gcm_start) begin
      enc_valid_i = 1'b1;  // E(J0) for the tag of an empty range
      enc_tag_i   = {KindJ0, 16'd0};
      enc_block_i = req_i.iv;
    end else if (ctr_issue) begin
      enc_valid_i = 1'b1;
      enc_tag_i   = {KindCtr, issued_q};
      enc_block_i = {iv_q[127:32], iv_q[31:0] + 32'd1 + {16'd0, issued_q}};  // inc32
    end else if (j0_issue) begin
      enc_valid_i = 1'b1;  // E(J0) for the tag, behind the last CTR block
      enc_tag_i   = {KindJ0, 16'd0};
      enc_block_i = iv_q;
    end else if (cbc_enc_feed) begin
      enc_valid_i = 1'b1;
      enc_block_i = buf_rd_data_i ^ chain_q;
    end else if (state_q == Idle && req_i.start && req_i.mode == esp_kernel_pkg::CryptEcb) begin
      enc_valid_i = 1'b1;
      enc_block_i = req_i.iv;
    end
  end

  assign dec_valid_i = dec_feed_q;
  assign dec_tag_i   = {dec_idx_q, chain_q};

  // GHASH input: the AAD first, then each ciphertext block, then the lengths.
  logic [63:0] aad_bits, ct_bits;
  assign aad_bits = aad12_q ? 64'd96 : 64'd64;
  assign ct_bits  = {44'd0, len_q, 3'd0};
  always_comb begin
    gh_valid = 1'b0;
    gh_first = 1'b0;
    gh_left  = 1'b1;
    gh_block = aad_q;
    if (gcm_start) begin
      gh_valid = 1'b1;
      gh_first = 1'b1;
      gh_left  = 1'b0;
      gh_block = h_i;
    end else if (state_q == GcmRun && !aad_fed_q) begin
      gh_valid = 1'b1;
      gh_first = 1'b1;
    end else if (ks_valid_q) begin
      gh_valid = 1'b1;
      gh_block = (mode_q == esp_kernel_pkg::CryptGcmEnc) ? ks_out : (buf_rd_data_i & ks_bytes_mask);
    end else if (state_q == GcmLens) begin
      gh_valid = 1'b1;
      gh_left  = 1'b0;
      gh_block = {aad_bits, ct_bits};
    end
  end

  // GCM writes its blocks in order, one per ks_valid_q clock, counted by fed_q: the bytes
  // of the range written so far, for a store that trails the cipher (held after Finish).
  // With icv_wr the tag's 16 bytes count once written, and base is added for the store.
  logic [31:0] fed_bytes, range_bytes;
  assign fed_bytes     = {12'd0, fed_q, 4'd0};
  assign range_bytes   = icv_done_q ? {15'd0, len_q} + 32'd16 :
                         (fed_bytes < {15'd0, len_q}) ? fed_bytes : {15'd0, len_q};
  assign gcm_written_o = {15'd0, base_q} + range_bytes;
  // Blocks leave the pipe one per clock once they flow (issue never pauses), so with the
  // block fed_q written now, the last is written at most two clocks later and left the
  // pipe a clock before that.
  assign tail_o        = icv_wr_q && ((state_q == GcmRun && ks_valid_q && fed_q + 16'd3 >= nblocks_q) ||
                                      state_q == GcmLens || state_q == GcmTag);

  // Buffer port.
  always_comb begin
    buf_o = '0;
    if (ctr_out) begin
      buf_o.rd_en   = 1'b1;
      buf_o.rd_addr = addr_q + {enc_tag_o[12:0], 4'd0};
    end else if (cbc_enc_read) begin
      buf_o.rd_en   = 1'b1;
      buf_o.rd_addr = addr_q + {written_q[12:0], 4'd0};
    end else if (cbc_dec_run && issued_q != nblocks_q) begin
      buf_o.rd_en   = 1'b1;
      buf_o.rd_addr = addr_q + {issued_q[12:0], 4'd0};
    end
    if (ks_valid_q) begin
      buf_o.wr_en   = 1'b1;
      buf_o.wr_addr = addr_q + {ks_idx_q[12:0], 4'd0};
      buf_o.wr_data = ks_out;
      buf_o.wr_mask = ks_mask;
    end else if (cbc_enc_wait && enc_valid_o) begin
      buf_o.wr_en   = 1'b1;
      buf_o.wr_addr = addr_q + {written_q[12:0], 4'd0};
      buf_o.wr_data = enc_block_o;
      buf_o.wr_mask = 16'hFFFF;
    end else if (dec_valid_o) begin
      buf_o.wr_en   = 1'b1;
      buf_o.wr_addr = addr_q + {dec_tag_o[140:128], 4'd0};
      buf_o.wr_data = dec_block_o ^ dec_tag_o[127:0];
      buf_o.wr_mask = 16'hFFFF;
    end else if (state_q == GcmTag && gh_valid_o && icv_wr_q) begin
      buf_o.wr_en   = 1'b1;  // the ICV behind the ciphertext (RFC 4106 6: 16 bytes)
      buf_o.wr_addr = addr_q + len_q;
      buf_o.wr_data = gh_out ^ ej0_q;
      buf_o.wr_mask = 16'hFFFF;
    end
  end

  always_comb begin
    done_d = done_q;
    ks_valid_d = ks_valid_q;
    ks_d = ks_q;
    ks_idx_d = ks_idx_q;
    dec_feed_d = dec_feed_q;
    ej0_d = ej0_q;
    mode_d = mode_q;
    iv_d = iv_q;
    chain_d = chain_q;
    aad_d = aad_q;
    aad12_d = aad12_q;
    addr_d = addr_q;
    len_d = len_q;
    nblocks_d = nblocks_q;
    issued_d = issued_q;
    j0_todo_d = j0_todo_q;
    fed_d = fed_q;
    written_d = written_q;
    aad_fed_d = aad_fed_q;
    icv_wr_d = icv_wr_q;
    icv_done_d = icv_done_q;
    base_d = base_q;
    h_d = h_q;
    state_d = state_q;
    h2_d = h2_q;
    result_d = result_q;
    dec_idx_d = dec_idx_q;

    done_d = 1'b0;
    ks_valid_d = gcm && ctr_out;
    ks_d = enc_block_o;
    ks_idx_d = enc_tag_o[15:0];
    dec_feed_d = 1'b0;
    if (enc_valid_o && enc_tag_o[17:16] == KindJ0) ej0_d = enc_block_o;
    unique case (state_q)
      Idle: begin
        if (req_i.start) begin
          mode_d = req_i.mode;
          iv_d = req_i.iv;
          chain_d = req_i.iv;
          aad_d = req_i.aad;
          aad12_d = req_i.aad12;
          addr_d = req_i.addr;
          len_d = req_i.len;
          nblocks_d = 16'((req_i.len + 17'd15) >> 4);
          // GCM: CTR block 0 went into the pipe on this clock, E(J0) still to go.
          issued_d = (gcm_start && req_i.len != '0) ? 16'd1 : 16'd0;
          j0_todo_d = gcm_start && req_i.len != '0;
          fed_d = '0;
          written_d = '0;
          aad_fed_d = 1'b0;
          icv_wr_d = req_i.icv_wr && req_i.mode == esp_kernel_pkg::CryptGcmEnc;
          icv_done_d = 1'b0;
          base_d = req_i.base;
          h_d = h_i;
          unique case (req_i.mode)
            esp_kernel_pkg::CryptGcmEnc, esp_kernel_pkg::CryptGcmDec: state_d = GcmH2;
            esp_kernel_pkg::CryptCbcEnc: state_d = (req_i.len == 0 || !EnableCbc) ? Finish : CbcEncRead;
            esp_kernel_pkg::CryptCbcDec: state_d = (req_i.len == 0 || !EnableCbc) ? Finish : CbcDecRun;
            default:                     state_d = EcbWait;
          endcase
        end
      end
      // H^2 for the two GHASH lanes: the GHASH of the one-block message H (fed on the start
      // clock, with E(J0) into the AES pipe) is H * H. The CTR blocks start meanwhile.
      GcmH2: begin
        if (ctr_issue) issued_d = issued_q + 16'd1;
        if (j0_issue) j0_todo_d = 1'b0;
        if (gh_valid_o) begin
          h2_d = gh_out;
          state_d = GcmRun;
        end
      end
      GcmRun: begin
        aad_fed_d = 1'b1;
        if (ctr_issue) issued_d = issued_q + 16'd1;
        if (j0_issue) j0_todo_d = 1'b0;
        if (ks_valid_q) fed_d = fed_q + 16'd1;
        if (nblocks_q == 0 || (ks_valid_q && fed_q + 16'd1 == nblocks_q)) state_d = GcmLens;
      end
      GcmLens: state_d = GcmTag;
      GcmTag: begin  // done on the tag's clock (no Finish state)
        if (gh_valid_o) begin
          result_d = gh_out ^ ej0_q;
          icv_done_d = icv_wr_q;  // written on this clock (buf_o)
          done_d = 1'b1;
          state_d = Idle;
        end
      end
      CbcEncRead: state_d = CbcEncFeed;
      CbcEncFeed: state_d = CbcEncWait;
      CbcEncWait: begin
        if (enc_valid_o) begin
          chain_d = enc_block_o;
          written_d = written_q + 16'd1;
          state_d = (written_q + 16'd1 == nblocks_q) ? Finish : CbcEncRead;
        end
      end
      CbcDecRun: begin
        if (issued_q != nblocks_q) begin
          issued_d = issued_q + 16'd1;
          dec_feed_d = 1'b1;
          dec_idx_d = issued_q;
        end
        if (dec_feed_q) chain_d = buf_rd_data_i;  // the ciphertext before the next block
        if (dec_valid_o) begin
          written_d = written_q + 16'd1;
          if (written_q + 16'd1 == nblocks_q) state_d = Finish;
        end
      end
      EcbWait: begin
        if (enc_valid_o) begin
          result_d = enc_block_o;
          state_d = Finish;
        end
      end
      Finish: begin
        done_d = 1'b1;
        state_d = Idle;
      end
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q    <= Idle;
      done_q     <= 1'b0;
      ks_valid_q <= 1'b0;
      dec_feed_q <= 1'b0;
      icv_wr_q   <= 1'b0;
      icv_done_q <= 1'b0;
    end else begin
      state_q <= state_d;
      done_q <= done_d;
      ks_valid_q <= ks_valid_d;
      dec_feed_q <= dec_feed_d;
      icv_wr_q   <= icv_wr_d;
      icv_done_q <= icv_done_d;
    end
  end

  always_ff @(posedge clk_i) begin
    ks_q <= ks_d;
    ks_idx_q <= ks_idx_d;
    ej0_q <= ej0_d;
    mode_q <= mode_d;
    iv_q <= iv_d;
    chain_q <= chain_d;
    aad_q <= aad_d;
    aad12_q <= aad12_d;
    addr_q <= addr_d;
    len_q <= len_d;
    nblocks_q <= nblocks_d;
    issued_q <= issued_d;
    j0_todo_q <= j0_todo_d;
    fed_q <= fed_d;
    written_q <= written_d;
    aad_fed_q <= aad_fed_d;
    base_q <= base_d;
    h_q <= h_d;
    h2_q <= h2_d;
    result_q <= result_d;
    dec_idx_q <= dec_idx_d;
  end

  assign busy_o   = state_q != Idle;
  logic unused_crypt;
  assign unused_crypt = ^{dec_tag_o[143:141], ks_idx_q[15:13], gh_tag_unused};
  assign result_o = result_q;

  assign done_o = done_q;

endmodule
