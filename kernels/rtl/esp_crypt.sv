// esp_crypt: the ESP cipher over a byte range of the local packet buffer, in place:
// AES-GCM encryption/decryption with the tag over AAD || ciphertext (SP 800-38D, RFC 4106;
// CTR keystream one block per clock, GHASH on the ciphertext as it passes), AES-CBC
// decryption at one block per clock (RFC 3602: no chaining through the cipher), AES-CBC
// encryption and one ECB block (H, the CBC IV).
// CBC encryption is serial within a packet (one block per pipe latency), so it runs in
// CbcChains independent chains interleaved in the one AES pipe: each chain holds its own
// round keys, range, chain value and read-ahead plaintext block, reads its next plaintext
// block while the previous one is in the pipe and feeds it on the clock that one's
// ciphertext comes out (or on the first free pipe slot after), so NC chains run in about one
// chain's clocks. A CBC encryption request takes a free chain (ready_cbc_o, chain_o one-hot
// on the request's clock) while no GCM or CBC-decryption message runs; GCM and CBC-decryption
// requests wait until no chain is busy; an ECB request (ready_ecb_o) goes in beside running
// chains on a free pipe slot. Each chain reports busy, bytes written and done, and its buffer
// reads and writes name it (buf_rd_chain_o / buf_wr_chain_o, one-hot; zero: not a chain's),
// so esp_core maps each chain to its job's region. A chain's keys are cleared once it is done.
// EnableCbc = 0 builds the GCM-only engine: no decryption pipe and no CBC states; a CBC
// request then finishes at once without touching the buffer (esp_core never issues one).
// GCM runs as an issue side (CTR blocks and E(J0) into the AES pipe) and a retire side (XOR
// with the data, buffer write, GHASH, lengths block, tag/ICV), each message in one of two
// slots whose number travels with its blocks through the pipe. An outbound GCM request
// (icv_wr) writes its tag behind the range itself; tail_o rises once its last block and
// E(J0) are in the pipe, and from the next clock on (ready_gcm_o) the next outbound GCM
// request may start issuing behind it while the first one retires: GHASH takes the messages
// back to back (lengths block, then the next AAD). Every request latches the round keys and
// key size (rk_q) and its blocks enter the pipe from the clock after, so esp_core may
// replace key_q from the clock after the request; it maps each slot to its job's region
// (slot_o on the request's clock; buffer reads and writes name their slot), and each slot
// holds its H and H^2 from its request's clock (h2_i: computed once per SA at install by an
// ECB request with icv_wr set, which returns H * H for the block h_i). A GCM decryption may
// also take the free slot behind a running GCM message (ready_gcm_o): each done_o names its
// slot (done_slot_o), each slot keeps its tag (slot_tag_o, in its E(J0) register) until the
// slot takes its next request, and slot_written_o counts each slot's plaintext, so a framer
// waits for its own message only.
module esp_crypt #(
  parameter bit          EnableCbc = 1'b1,
  parameter int unsigned CbcChains = 3   // CBC encryption chains (EnableCbc only), >= 1
) (
  input  logic                                              clk_i,
  input  logic                                              rst_ni,
  input  esp_kernel_pkg::crypt_req_t                        req_i,
  input  logic                                              aes256_i,
  input  logic [esp_aes_pkg::NumRoundKeys-1:0][127:0]       round_keys_i,
  input  logic [127:0]                                      h_i,        // GHASH subkey
  input  logic [127:0]                                      h2_i,       // H^2 (the SA's)
  output logic                                              busy_o,
  output logic                                              done_o,     // one clock
  output logic                                              done_slot_o,  // the slot done_o is for
  output logic [1:0][127:0]                                 slot_tag_o,   // each slot's tag once done
  output logic [127:0]                                      result_o,   // GCM tag / ECB block
  output logic [31:0]                                       gcm_written_o,  // base + bytes written
  input  logic [31:0]                                       dec_avail_i,  // CBC dec: bytes it may read
  output logic                                              tail_o,     // the newest request is issued
  output logic                                              ready_gcm_o,  // takes a GCM decryption or icv_wr encryption
  output logic                                              slot_o,     // slot the next request takes
  output logic [1:0]                                        slot_store_o,    // slot holds an icv_wr message
  output logic [1:0][31:0]                                  slot_written_o,  // its base + bytes written
  output logic                                              ready_cbc_o,  // takes a CBC encryption
  output logic                                              ready_ecb_o,  // takes an ECB request
  output logic [CbcChains-1:0]                              chain_o,      // chain the next CBC encryption takes (one-hot)
  output logic [CbcChains-1:0]                              chain_busy_o,
  output logic [CbcChains-1:0][31:0]                        chain_written_o,  // bytes written (held once done)
  output logic [CbcChains-1:0]                              chain_done_o,     // one clock
  output esp_kernel_pkg::buf_req_t                          buf_o,      // reads, block writes
  output logic                                              buf_rd_slot_o,
  output logic                                              buf_wr_slot_o,
  output logic [CbcChains-1:0]                              buf_rd_chain_o,  // one-hot: a chain's read
  output logic [CbcChains-1:0]                              buf_wr_chain_o,  // one-hot: a chain's write
  output esp_kernel_pkg::buf_req_t                          icv_o,      // ICV writes (wr_* only)
  output logic                                              icv_slot_o,
  input  logic [127:0]                                      buf_rd_data_i
);
  localparam int unsigned AB = esp_kernel_pkg::BufAddrBits;
  localparam int unsigned NC = CbcChains;
  localparam int unsigned CI = (NC > 1) ? $clog2(NC) : 1;  // chain index bits in the pipe tag
  localparam logic [1:0] KindCtr = 2'd0, KindJ0 = 2'd1, KindOne = 2'd2, KindCbc = 2'd3;
  // A message's E(J0) issue and the next message's first CTR block are two clocks apart
  // (the request on the clock between): the first ciphertext block reaches GHASH a pipe
  // latency later, right behind the first message's lengths block and its own AAD.

  typedef enum logic [3:0] {
    Idle,
    GcmH2,
    GcmAad,
    GcmCt,
    GcmLens,
    GcmWait,
    CbcDecRun,
    EcbWait,
    Finish
  } state_e;
  state_e state_q;
  state_e state_d;
  logic done_q;
  logic done_d;
  logic done_slot_q, done_slot_d;

  // The request in CBC decryption/ECB, the last request's mode
  esp_kernel_pkg::crypt_mode_e mode_q;
  esp_kernel_pkg::crypt_mode_e mode_d;
  logic [127:0]  iv_q, chain_q, result_q;
  logic [127:0] result_d;
  logic [127:0] chain_d;
  logic [127:0] iv_d;
  logic [AB-1:0] addr_q, len_q;
  logic [AB-1:0] len_d;
  logic [AB-1:0] addr_d;
  logic [15:0]   nblocks_q, issued_q, written_q;
  logic [15:0] written_d;
  logic [15:0] issued_d;
  logic [15:0] nblocks_d;

  // GCM messages, one per slot: the retire side's state of each
  logic [1:0][AB-1:0]  m_addr_q, m_addr_d, m_len_q, m_len_d, m_base_q, m_base_d;
  logic [1:0][15:0]    m_n_q, m_n_d, m_fed_q, m_fed_d;
  logic [1:0][127:0]   m_aad_q, m_aad_d, m_ej0_q, m_ej0_d;
  logic [1:0][127:0]   m_h_q, m_h_d, m_h2_q, m_h2_d;  // H and H^2 from the request (the core may zero its keys after it)
  logic [1:0]          m_aad12_q, m_aad12_d, m_enc_q, m_enc_d, m_icv_q, m_icv_d;
  logic [1:0]          m_icvdone_q, m_icvdone_d, act_q, act_d;
  logic                nslot_q, nslot_d, last_q, last_d;  // next request's slot, newest slot
  logic                fslot_q, fslot_d;   // the message GHASH is fed from
  logic                pend_q, pend_d;     // a message accepted behind fslot, not yet fed
  // Issue side: the newest message's CTR blocks, then its E(J0)
  logic [127:0]        iss_iv_q, iss_iv_d;
  logic [15:0]         iss_n_q, iss_n_d, iss_cnt_q, iss_cnt_d;
  logic                iss_slot_q, iss_slot_d;
  logic                j0_todo_q, j0_todo_d;
  // The round keys and key size of the latest request, taken on its clock (flip-flops with
  // an enable and a clear, no multiplexer: every block enters the pipe from them), cleared
  // while idle so no key lingers here.
  logic [esp_aes_pkg::NumRoundKeys-1:0][127:0] rk_q;
  logic                                        rk256_q, ecb_go_q;

  // ---------------------------------------------------------------------------------------
  // Engines
  // ---------------------------------------------------------------------------------------
  logic         enc_valid_i, enc_valid_o;
  logic [18:0]  enc_tag_i, enc_tag_o;  // kind, slot, block index (CBC: kind, chain)
  logic [127:0] enc_block_i, enc_block_o;
  logic [esp_aes_pkg::NumRoundKeys-1:0][127:0] enc_rk;  // rk_q or the feeding chain's
  logic         enc_rk256;
  esp_aes_enc_pipe #(
    .TagWidth(19)
  ) u_enc (
    .clk_i,
    .rst_ni,
    .valid_i     (enc_valid_i),
    .tag_i       (enc_tag_i),
    .aes256_i    (enc_rk256),
    .round_keys_i(enc_rk),
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
      .aes256_i    (rk256_q),
      .round_keys_i(rk_q),
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

  logic         sq_first;   // the install's H^2 request: H enters GHASH as a one-block message
  logic         gh_valid, gh_first, gh_left, gh_valid_o;
  logic [127:0] gh_block, gh_out;
  logic [1:0]   gh_tag, gh_tag_o;  // {message (not H^2), slot}
  logic         gh_hslot;          // whose powers of H the block takes
  logic [127:0] gh_h, gh_h2;

  // A slot's fields are read through these 2:1 selections, one per selecting signal, and
  // written through one-hot enables (constant indices only): a computed index into the
  // packed slot arrays makes Yosys build a shifter per use (over 16k MUXF7/8 for two slots).
  logic [1:0] n_oh, ks_oh, t_oh, e_oh;  // nslot_q, ks_slot_q, the tag's, E(J0)'s
  assign n_oh  = nslot_q ? 2'b10 : 2'b01;
  assign ks_oh = ks_slot_q ? 2'b10 : 2'b01;
  assign t_oh  = gh_tag_o[0] ? 2'b10 : 2'b01;
  assign e_oh  = enc_tag_o[16] ? 2'b10 : 2'b01;
  assign gh_h  = gh_hslot ? m_h_q[1] : m_h_q[0];
  assign gh_h2 = gh_hslot ? m_h2_q[1] : m_h2_q[0];
  esp_ghash #(
    .Lanes   (2),
    .TagWidth(2)
  ) u_ghash (
    .clk_i,
    .rst_ni,
    .valid_i (gh_valid),
    .first_i (gh_first),
    .left_i  (gh_left),
    .block_i (gh_block),
    .h_pow_i ({gh_h2, sq_first ? h_i : gh_h}),
    .tag_i   (gh_tag),
    .valid_o (gh_valid_o),
    .ghash_o (gh_out),
    .tag_o   (gh_tag_o)
  );

  // ---------------------------------------------------------------------------------------
  // Requests. From Idle any but a CBC encryption (the chains take those) once no chain is
  // busy, an ECB request also beside running chains; behind a running GCM message another
  // GCM decryption or outbound (icv_wr) encryption once the first one's blocks and E(J0) are
  // in the pipe, while the other slot is free. Each message's done_o names its slot, so the
  // framer that issued it takes only its own. A CBC encryption takes a free chain while no
  // GCM or CBC-decryption message runs (Idle, or an ECB block in the pipe), so the chains'
  // buffer accesses and pipe slots never meet a message's. Every request taken (a chain's
  // too) takes the next slot number, which esp_core maps to the issuing job's region.
  // ---------------------------------------------------------------------------------------
  logic gcm_state, ovl_ok, accept, accept_msg, accept_cbc, gcm_new, req_gcm, req_cbc;
  logic chains_idle, idle_ok;
  logic [NC-1:0] ch_busy;  // the chains' busy flags (zero without CBC)
  assign gcm_state = state_q == GcmAad || state_q == GcmCt || state_q == GcmLens || state_q == GcmWait;
  assign ovl_ok    = gcm_state && !j0_todo_q && (act_q & n_oh) == '0 && !pend_q;
  assign req_gcm   = req_i.mode == esp_kernel_pkg::CryptGcmEnc || req_i.mode == esp_kernel_pkg::CryptGcmDec;
  assign req_cbc   = EnableCbc && req_i.mode == esp_kernel_pkg::CryptCbcEnc;
  assign chains_idle = ch_busy == '0;
  assign idle_ok   = state_q == Idle && (chains_idle || req_i.mode == esp_kernel_pkg::CryptEcb);
  assign accept_msg = req_i.start && !req_cbc && (idle_ok ||
                      (ovl_ok && (req_i.mode == esp_kernel_pkg::CryptGcmDec ||
                                  (req_i.mode == esp_kernel_pkg::CryptGcmEnc && req_i.icv_wr))));
  assign accept_cbc = req_i.start && req_cbc && ready_cbc_o;
  assign accept     = accept_msg || accept_cbc;
  assign gcm_new    = accept_msg && req_gcm;
  assign sq_first   = accept_msg && req_i.mode == esp_kernel_pkg::CryptEcb && req_i.icv_wr;
  assign ready_gcm_o = (state_q == Idle && chains_idle) || ovl_ok;
  assign ready_ecb_o = state_q == Idle;
  assign ready_cbc_o = EnableCbc && ch_busy != '1 && (state_q == Idle || state_q == EcbWait);
  assign slot_o      = nslot_q;

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
  logic          ks_slot_q, ks_slot_d;
  logic [AB-1:0] ks_left;      // bytes of the packet from block ks_idx_q on
  logic [15:0]   ks_mask;
  logic [127:0]  ks_bytes_mask, ks_out;
  logic [AB-1:0] ks_addr, ks_len;  // the keystream block's message
  logic          ks_enc;
  assign ks_addr = ks_slot_q ? m_addr_q[1] : m_addr_q[0];
  assign ks_len  = ks_slot_q ? m_len_q[1] : m_len_q[0];
  assign ks_enc  = ks_slot_q ? m_enc_q[1] : m_enc_q[0];
  assign ks_left = ks_len - {ks_idx_q[12:0], 4'd0};
  assign ks_mask = esp_kernel_pkg::mask_first(ks_left);
  always_comb begin
    for (int unsigned b = 0; b < 16; b++) ks_bytes_mask[127 - 8 * b -: 8] = {8{ks_mask[15 - b]}};
  end
  assign ks_out = (buf_rd_data_i ^ ks_q) & ks_bytes_mask;

  logic ctr_issue, ctr_out, j0_issue;
  // The CTR blocks enter the pipe back to back from the clock after the request (the round
  // keys are rk_q by then), E(J0) behind the last one.
  assign ctr_issue = j0_todo_q && iss_cnt_q != iss_n_q;
  assign j0_issue  = j0_todo_q && iss_cnt_q == iss_n_q;
  assign ctr_out   = enc_valid_o && enc_tag_o[18:17] == KindCtr;

  // The CBC decryption state, constant false without CBC so the paths it selects are pruned
  // even where synthesis does not see that the state is unreachable.
  logic cbc_dec_run;
  assign cbc_dec_run  = EnableCbc && state_q == CbcDecRun;

  // ---------------------------------------------------------------------------------------
  // CBC encryption chains. A chain reads its next plaintext block (one read-ahead block)
  // while the previous one is in the pipe; the block enters the pipe XORed with the chain
  // value on the clock the previous ciphertext comes out (ch_out) if that slot is free, or
  // on the first free one after (the ciphertext waits as the chain value), so a block costs
  // the pipe latency alone. The lowest-numbered chain wins a read or a pipe slot: a chain
  // wants one of each per pipe latency, so a loser waits a few clocks at most (its
  // read-ahead has the pipe latency of slack). A chain's written count rises on the clock
  // after its block's write, so it never runs ahead of the buffer.
  // ---------------------------------------------------------------------------------------
  logic [NC-1:0] ch_pick, ch_load, ch_want_rd, ch_rgnt, ch_feed, ch_fgnt, ch_out, ch_cap;
  logic [NC-1:0][AB-1:0] ch_ra, ch_wa;        // next read / write address
  logic [NC-1:0][127:0]  ch_pt, ch_cv;        // read-ahead plaintext, chain value
  localparam int unsigned KW = 128 * esp_aes_pkg::NumRoundKeys;  // round keys, flat
  logic [NC-1:0][KW-1:0] ch_rk;
  logic [NC-1:0]         ch_rk256;
  logic [AB-1:0]         ch_rd_addr, ch_wr_addr;
  logic [127:0]          ch_pt_sel, ch_cv_sel;
  logic [CI-1:0]         ch_idx;              // the feeding chain's number, for the tag
  logic [KW-1:0]         ch_rk_sel;
  logic                  ch_rk256_sel, ch_feeds;
  // The lowest set bit of a request vector, one-hot.
  function automatic logic [NC-1:0] first_set(logic [NC-1:0] v);
    first_set = v & (~v + NC'(1));
  endfunction
  assign ch_pick = first_set(~ch_busy);
  assign chain_o = ch_pick;
  assign ch_load = accept_cbc ? ch_pick : '0;
  assign ch_rgnt = first_set(ch_want_rd);
  assign ch_fgnt = first_set(ch_feed);
  assign ch_feeds = ch_fgnt != '0;

  if (EnableCbc) begin : g_chains
    for (genvar c = 0; c < NC; c++) begin : g_chain
      logic          busy_q, busy_d, infl_q, infl_d, ptv_q, ptv_d, cap_q, fin_q, fin_d;
      logic [AB-1:0] base_q, base_d;
      logic [15:0]   nb_q, nb_d, rd_q, rd_d, wr_q, wr_d;  // blocks: all, read, written
      logic [127:0]  cv_q, cv_d, pt_q, pt_d;
      logic [KW-1:0] crk_q;
      logic          crk256_q;
      assign ch_busy[c]    = busy_q;
      assign ch_out[c]     = enc_valid_o && enc_tag_o[18:17] == KindCbc && enc_tag_o[CI-1:0] == CI'(c);
      assign ch_want_rd[c] = busy_q && rd_q != nb_q && !ptv_q && !cap_q;
      assign ch_feed[c]    = busy_q && (ptv_q || cap_q) && (!infl_q || ch_out[c]);
      assign ch_cap[c]     = cap_q;
      assign ch_ra[c]      = base_q + {rd_q[12:0], 4'd0};
      assign ch_wa[c]      = base_q + {wr_q[12:0], 4'd0};
      assign ch_pt[c]      = pt_q;
      assign ch_cv[c]      = cv_q;
      assign ch_rk[c]      = crk_q;
      assign ch_rk256[c]   = crk256_q;
      assign chain_busy_o[c]    = busy_q;
      assign chain_written_o[c] = {12'd0, wr_q, 4'd0};
      assign chain_done_o[c]    = fin_q;

      always_comb begin
        busy_d = busy_q;
        infl_d = infl_q;
        ptv_d  = ptv_q;
        fin_d  = 1'b0;
        base_d = base_q;
        nb_d   = nb_q;
        rd_d   = rd_q;
        wr_d   = wr_q;
        cv_d   = cv_q;
        pt_d   = pt_q;
        if (ch_rgnt[c]) rd_d = rd_q + 16'd1;
        // The block read last clock: into the pipe now, or held until the chain's turn.
        if (cap_q && !ch_fgnt[c]) begin
          ptv_d = 1'b1;
          pt_d  = buf_rd_data_i;
        end
        if (ch_out[c]) begin
          infl_d = 1'b0;
          cv_d   = enc_block_o;
          wr_d   = wr_q + 16'd1;
          if (wr_q + 16'd1 == nb_q) begin
            busy_d = 1'b0;
            fin_d  = 1'b1;
          end
        end
        if (ch_fgnt[c]) begin
          infl_d = 1'b1;
          ptv_d  = 1'b0;
        end
        if (ch_load[c]) begin
          busy_d = req_i.len != '0;
          fin_d  = req_i.len == '0;  // nothing to encrypt: done at once
          infl_d = 1'b0;
          ptv_d  = 1'b0;
          base_d = req_i.addr;
          nb_d   = 16'((req_i.len + 17'd15) >> 4);
          rd_d   = '0;
          wr_d   = '0;
          cv_d   = req_i.iv;
        end
      end

      always_ff @(posedge clk_i) begin
        if (!rst_ni) begin
          busy_q <= 1'b0;
          infl_q <= 1'b0;
          ptv_q  <= 1'b0;
          cap_q  <= 1'b0;
          fin_q  <= 1'b0;
        end else begin
          busy_q <= busy_d;
          infl_q <= infl_d;
          ptv_q  <= ptv_d;
          cap_q  <= ch_rgnt[c];
          fin_q  <= fin_d;
        end
      end

      always_ff @(posedge clk_i) begin
        base_q <= base_d;
        nb_q   <= nb_d;
        rd_q   <= rd_d;
        wr_q   <= wr_d;
        cv_q   <= cv_d;
        pt_q   <= pt_d;
      end

      // The chain's round keys: loaded on its request's clock, cleared while it is idle.
      always_ff @(posedge clk_i) begin
        if (!busy_q && !ch_load[c]) begin
          crk_q    <= '0;
          crk256_q <= 1'b0;
        end else if (ch_load[c]) begin
          crk_q    <= round_keys_i;
          crk256_q <= aes256_i;
        end
      end
    end
  end else begin : g_no_chains
    assign ch_busy    = '0;
    assign ch_out     = '0;
    assign ch_want_rd = '0;
    assign ch_feed    = '0;
    assign ch_cap     = '0;
    assign ch_ra      = '0;
    assign ch_wa      = '0;
    assign ch_pt      = '0;
    assign ch_cv      = '0;
    assign ch_rk      = '0;
    assign ch_rk256   = '0;
    assign chain_busy_o    = '0;
    assign chain_written_o = '0;
    assign chain_done_o    = '0;
    logic unused_chains;
    assign unused_chains = ^{ch_load, ch_rgnt};
  end

  // The feeding chain's operands and round keys, and the addresses of the chains' read and
  // write, through one-hot AND-OR selections (constant indices only).
  always_comb begin
    ch_pt_sel    = '0;
    ch_cv_sel    = '0;
    ch_idx       = '0;
    ch_rk_sel    = '0;
    ch_rk256_sel = 1'b0;
    ch_rd_addr   = '0;
    ch_wr_addr   = '0;
    for (int unsigned c = 0; c < NC; c++) begin
      if (ch_fgnt[c]) begin
        ch_pt_sel    = ch_pt_sel | ch_pt[c];
        ch_cv_sel    = ch_cv_sel | ch_cv[c];
        ch_idx       = ch_idx | CI'(c);
        ch_rk_sel    = ch_rk_sel | ch_rk[c];
        ch_rk256_sel = ch_rk256_sel | ch_rk256[c];
      end
      if (ch_rgnt[c]) ch_rd_addr = ch_rd_addr | ch_ra[c];
      if (ch_out[c]) ch_wr_addr = ch_wr_addr | ch_wa[c];
    end
    // The plaintext read last clock and the ciphertext leaving the pipe go in directly.
    if ((ch_fgnt & ch_cap) != '0) ch_pt_sel = buf_rd_data_i;
    if ((ch_fgnt & ch_out) != '0) ch_cv_sel = enc_block_o;
  end
  // Every block enters the pipe with its own round keys: the feeding chain's, else rk_q.
  assign enc_rk    = ch_feeds ? ch_rk_sel : rk_q;
  assign enc_rk256 = ch_feeds ? ch_rk256_sel : rk256_q;

  // CBC decryption: the block read last clock enters the pipe with the ciphertext before it.
  // A block is read (and so later overwritten in place) only once it lies below dec_avail_i:
  // inbound, the MAC reads the ciphertext ahead of the decryption.
  logic dec_go;
  assign dec_go = cbc_dec_run && issued_q != nblocks_q &&
                  {12'd0, issued_q, 4'd0} + 32'd16 <= dec_avail_i;
  logic dec_feed_q;
  logic dec_feed_d;
  logic [15:0] dec_idx_q;
  logic [15:0] dec_idx_d;

  always_comb begin
    enc_valid_i = 1'b0;
    enc_tag_i   = {KindOne, 17'd0};
    enc_block_i = iv_q;
    if (ctr_issue) begin
      enc_valid_i = 1'b1;
      enc_tag_i   = {KindCtr, iss_slot_q, iss_cnt_q};
      enc_block_i = {iss_iv_q[127:32], iss_iv_q[31:0] + 32'd1 + {16'd0, iss_cnt_q}};  // inc32
    end else if (j0_issue) begin
      enc_valid_i = 1'b1;  // E(J0) for the tag, behind the last CTR block
      enc_tag_i   = {KindJ0, iss_slot_q, 16'd0};
      enc_block_i = iss_iv_q;
    end else if (ch_feeds) begin
      enc_valid_i = 1'b1;
      enc_tag_i   = {KindCbc, 17'(ch_idx)};
      enc_block_i = ch_pt_sel ^ ch_cv_sel;
    end else if (ecb_go_q) begin
      enc_valid_i = 1'b1;  // the ECB block (iv_q), from the clock after its request
    end
  end
  // The ECB block waits while chains take the pipe slots.
  logic ecb_issue;
  assign ecb_issue = ecb_go_q && !ctr_issue && !j0_issue && !ch_feeds;

  assign dec_valid_i = dec_feed_q;
  assign dec_tag_i   = {dec_idx_q, chain_q};

  // GHASH input: per message its AAD, each ciphertext block, the lengths; the next
  // message's AAD right behind the lengths block. The install's H^2: H as a message.
  logic [63:0] aad_bits, ct_bits;
  logic [127:0] f_aad;  // the message GHASH is fed from
  logic [AB-1:0] f_len;
  logic [15:0]   f_n, f_fed;
  logic          f_aad12;
  assign f_aad    = fslot_q ? m_aad_q[1] : m_aad_q[0];
  assign f_len    = fslot_q ? m_len_q[1] : m_len_q[0];
  assign f_n      = fslot_q ? m_n_q[1] : m_n_q[0];
  assign f_fed    = fslot_q ? m_fed_q[1] : m_fed_q[0];
  assign f_aad12  = fslot_q ? m_aad12_q[1] : m_aad12_q[0];
  assign aad_bits = f_aad12 ? 64'd96 : 64'd64;
  assign ct_bits  = {44'd0, f_len, 3'd0};
  always_comb begin
    gh_valid = 1'b0;
    gh_first = 1'b0;
    gh_left  = 1'b1;
    gh_block = f_aad;
    gh_tag   = {1'b1, fslot_q};
    gh_hslot = ks_valid_q ? ks_slot_q : fslot_q;
    if (sq_first) begin
      gh_valid = 1'b1;
      gh_first = 1'b1;
      gh_left  = 1'b0;
      gh_block = h_i;
      gh_tag   = 2'b00;
    end else if (ks_valid_q) begin
      gh_valid = 1'b1;
      gh_block = ks_enc ? ks_out : (buf_rd_data_i & ks_bytes_mask);
    end else if (state_q == GcmAad) begin
      gh_valid = 1'b1;
      gh_first = 1'b1;
    end else if (state_q == GcmLens) begin
      gh_valid = 1'b1;
      gh_left  = 1'b0;
      gh_block = {aad_bits, ct_bits};
    end
  end

  // GCM writes each message's blocks in order, counted by its m_fed: the bytes of the range
  // written so far, for a store that trails the cipher (held after the message is done).
  // With icv_wr the tag's 16 bytes count once written, and base is added for the store.
  for (genvar s = 0; s < 2; s++) begin : g_written
    logic [31:0] fed_bytes, range_bytes;
    assign fed_bytes   = {12'd0, m_fed_q[s], 4'd0};
    assign range_bytes = m_icvdone_q[s] ? {15'd0, m_len_q[s]} + 32'd16 :
                         (fed_bytes < {15'd0, m_len_q[s]}) ? fed_bytes : {15'd0, m_len_q[s]};
    assign slot_written_o[s] = {15'd0, m_base_q[s]} + range_bytes;
    assign slot_store_o[s]   = act_q[s] && m_icv_q[s];
  end
  assign gcm_written_o = last_q ? slot_written_o[1] : slot_written_o[0];
  // The newest request has all its blocks and E(J0) in the pipe: it needs neither the
  // round keys nor the framer any more.
  assign tail_o = !j0_todo_q;

  // The tag of a message leaves GHASH (gh_tag_o names its slot).
  logic tag_out;
  logic [127:0] tag_val, t_ej0;
  logic [AB-1:0] t_addr, t_len;
  logic          t_icv;
  assign t_ej0   = gh_tag_o[0] ? m_ej0_q[1] : m_ej0_q[0];
  assign t_addr  = gh_tag_o[0] ? m_addr_q[1] : m_addr_q[0];
  assign t_len   = gh_tag_o[0] ? m_len_q[1] : m_len_q[0];
  assign t_icv   = gh_tag_o[0] ? m_icv_q[1] : m_icv_q[0];
  assign tag_out = gh_valid_o && gh_tag_o[1];
  assign tag_val = gh_out ^ t_ej0;

  // Buffer ports: reads and block writes; the ICV on its own port (the next message's
  // blocks may be written on the same clock, in another region).
  always_comb begin
    buf_o = '0;
    buf_rd_slot_o = last_q;
    buf_wr_slot_o = last_q;
    buf_rd_chain_o = '0;
    buf_wr_chain_o = '0;
    if (ctr_out) begin
      buf_o.rd_en   = 1'b1;
      buf_o.rd_addr = (enc_tag_o[16] ? m_addr_q[1] : m_addr_q[0]) + {enc_tag_o[12:0], 4'd0};
      buf_rd_slot_o = enc_tag_o[16];
    end else if (ch_rgnt != '0) begin
      buf_o.rd_en    = 1'b1;
      buf_o.rd_addr  = ch_rd_addr;
      buf_rd_chain_o = ch_rgnt;
    end else if (dec_go) begin
      buf_o.rd_en   = 1'b1;
      buf_o.rd_addr = addr_q + {issued_q[12:0], 4'd0};
    end
    if (ks_valid_q) begin
      buf_o.wr_en   = 1'b1;
      buf_o.wr_addr = ks_addr + {ks_idx_q[12:0], 4'd0};
      buf_o.wr_data = ks_out;
      buf_o.wr_mask = ks_mask;
      buf_wr_slot_o = ks_slot_q;
    end else if (ch_out != '0) begin
      buf_o.wr_en    = 1'b1;
      buf_o.wr_addr  = ch_wr_addr;
      buf_o.wr_data  = enc_block_o;
      buf_o.wr_mask  = 16'hFFFF;
      buf_wr_chain_o = ch_out;
    end else if (dec_valid_o) begin
      buf_o.wr_en   = 1'b1;
      buf_o.wr_addr = addr_q + {dec_tag_o[140:128], 4'd0};
      buf_o.wr_data = dec_block_o ^ dec_tag_o[127:0];
      buf_o.wr_mask = 16'hFFFF;
    end
    icv_o = '0;
    icv_slot_o = gh_tag_o[0];
    if (tag_out && t_icv) begin
      icv_o.wr_en   = 1'b1;  // the ICV behind the ciphertext (RFC 4106 6: 16 bytes)
      icv_o.wr_addr = t_addr + t_len;
      icv_o.wr_data = tag_val;
      icv_o.wr_mask = 16'hFFFF;
    end
  end

  always_comb begin
    ks_valid_d = ctr_out;
    ks_d = enc_block_o;
    ks_idx_d = enc_tag_o[15:0];
    ks_slot_d = enc_tag_o[16];
    dec_feed_d = 1'b0;
    done_d = 1'b0;
    done_slot_d = done_slot_q;
    mode_d = mode_q;
    iv_d = iv_q;
    chain_d = chain_q;
    addr_d = addr_q;
    len_d = len_q;
    nblocks_d = nblocks_q;
    issued_d = issued_q;
    written_d = written_q;
    state_d = state_q;
    m_h_d = m_h_q;
    m_h2_d = m_h2_q;
    result_d = result_q;
    dec_idx_d = dec_idx_q;
    m_addr_d = m_addr_q;
    m_len_d = m_len_q;
    m_base_d = m_base_q;
    m_n_d = m_n_q;
    m_fed_d = m_fed_q;
    m_aad_d = m_aad_q;
    m_ej0_d = m_ej0_q;
    m_aad12_d = m_aad12_q;
    m_enc_d = m_enc_q;
    m_icv_d = m_icv_q;
    m_icvdone_d = m_icvdone_q;
    act_d = act_q;
    nslot_d = nslot_q;
    last_d = last_q;
    fslot_d = fslot_q;
    pend_d = pend_q;
    iss_iv_d = iss_iv_q;
    iss_n_d = iss_n_q;
    iss_cnt_d = iss_cnt_q;
    iss_slot_d = iss_slot_q;
    j0_todo_d = j0_todo_q;

    // Issue side
    if (ctr_issue) iss_cnt_d = iss_cnt_q + 16'd1;
    if (j0_issue) j0_todo_d = 1'b0;
    for (int unsigned s = 0; s < 2; s++) begin
      if (enc_valid_o && enc_tag_o[18:17] == KindJ0 && e_oh[s]) m_ej0_d[s] = enc_block_o;
      if (ks_valid_q && ks_oh[s]) m_fed_d[s] = m_fed_q[s] + 16'd1;
    end
    // Retire: a message's tag (and ICV, written on this clock by icv_o)
    if (tag_out) begin
      result_d = tag_val;
      for (int unsigned s = 0; s < 2; s++) begin
        if (t_oh[s]) begin
          m_icvdone_d[s] = m_icv_q[s];
          act_d[s] = 1'b0;
          m_ej0_d[s] = tag_val;  // E(J0) is spent: the slot's tag until its next request
        end
      end
      done_d = 1'b1;
      done_slot_d = gh_tag_o[0];
    end
    if (accept) begin
      nslot_d = !nslot_q;
      last_d = nslot_q;
      mode_d = req_i.mode;
    end
    if (gcm_new) begin
      for (int unsigned s = 0; s < 2; s++) begin
        if (n_oh[s]) begin
          m_addr_d[s] = req_i.addr;
          m_len_d[s] = req_i.len;
          m_base_d[s] = req_i.base;
          m_n_d[s] = 16'((req_i.len + 17'd15) >> 4);
          m_fed_d[s] = '0;
          m_aad_d[s] = req_i.aad;
          m_aad12_d[s] = req_i.aad12;
          m_enc_d[s] = req_i.mode == esp_kernel_pkg::CryptGcmEnc;
          m_icv_d[s] = req_i.icv_wr && req_i.mode == esp_kernel_pkg::CryptGcmEnc;
          m_icvdone_d[s] = 1'b0;
          act_d[s] = 1'b1;
          m_h_d[s] = h_i;
          m_h2_d[s] = h2_i;
        end
      end
      // The CTR blocks from the next clock on, then E(J0).
      iss_iv_d = req_i.iv;
      iss_n_d = 16'((req_i.len + 17'd15) >> 4);
      iss_cnt_d = '0;
      iss_slot_d = nslot_q;
      j0_todo_d = 1'b1;
      if (state_q != Idle) pend_d = 1'b1;
    end

    unique case (state_q)
      Idle: begin
        if (accept_msg) begin
          iv_d = req_i.iv;
          chain_d = req_i.iv;
          addr_d = req_i.addr;
          len_d = req_i.len;
          nblocks_d = 16'((req_i.len + 17'd15) >> 4);
          issued_d = '0;
          written_d = '0;
          fslot_d = nslot_q;
          unique case (req_i.mode)
            esp_kernel_pkg::CryptGcmEnc, esp_kernel_pkg::CryptGcmDec: state_d = GcmAad;
            esp_kernel_pkg::CryptCbcEnc: state_d = Finish;  // the GCM-only engine (else a chain's)
            esp_kernel_pkg::CryptCbcDec: state_d = (req_i.len == 0 || !EnableCbc) ? Finish : CbcDecRun;
            default:                     state_d = req_i.icv_wr ? GcmH2 : EcbWait;
          endcase
        end
      end
      // The install's H^2 for the SA: the GHASH of the one-block message H (fed on the
      // request's clock) is H * H.
      GcmH2: begin
        if (gh_valid_o && !gh_tag_o[1]) begin
          result_d = gh_out;
          state_d = Finish;
        end
      end
      GcmAad: state_d = (f_n == '0) ? GcmLens : GcmCt;
      GcmCt: begin
        if (ks_valid_q && f_fed + 16'd1 == f_n) state_d = GcmLens;
      end
      // The next message's AAD right behind this one's lengths block, if it is there.
      GcmLens, GcmWait: begin
        if (pend_q) begin
          pend_d = 1'b0;
          fslot_d = !fslot_q;
          state_d = GcmAad;
        end else if (state_q == GcmLens || act_d != '0 || j0_todo_q || gcm_new) begin
          state_d = GcmWait;
        end else begin
          state_d = Idle;
        end
      end
      CbcDecRun: begin
        if (dec_go) begin
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
        if (enc_valid_o && enc_tag_o[18:17] == KindOne) begin
          result_d = enc_block_o;
          state_d = Finish;
        end
      end
      Finish: begin
        done_d = 1'b1;
        done_slot_d = last_q;
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
      act_q      <= '0;
      m_icv_q    <= '0;
      m_icvdone_q <= '0;
      nslot_q    <= 1'b0;
      last_q     <= 1'b0;
      fslot_q    <= 1'b0;
      pend_q     <= 1'b0;
      j0_todo_q  <= 1'b0;
      ecb_go_q   <= 1'b0;
    end else begin
      state_q <= state_d;
      done_q <= done_d;
      ks_valid_q <= ks_valid_d;
      dec_feed_q <= dec_feed_d;
      act_q      <= act_d;
      m_icv_q    <= m_icv_d;
      m_icvdone_q <= m_icvdone_d;
      nslot_q    <= nslot_d;
      last_q     <= last_d;
      fslot_q    <= fslot_d;
      pend_q     <= pend_d;
      j0_todo_q  <= j0_todo_d;
      ecb_go_q   <= (accept_msg && req_i.mode == esp_kernel_pkg::CryptEcb && !req_i.icv_wr) ||
                    (ecb_go_q && !ecb_issue);
    end
  end

  // The latest message's round keys (not a chain's): loaded on its request's clock, cleared
  // on idle clocks without one.
  always_ff @(posedge clk_i) begin
    if (state_q == Idle && !accept_msg) begin
      rk_q    <= '0;
      rk256_q <= 1'b0;
    end else if (accept_msg) begin
      rk_q    <= round_keys_i;
      rk256_q <= aes256_i;
    end
  end

  always_ff @(posedge clk_i) begin
    ks_q <= ks_d;
    done_slot_q <= done_slot_d;
    ks_idx_q <= ks_idx_d;
    ks_slot_q <= ks_slot_d;
    mode_q <= mode_d;
    iv_q <= iv_d;
    chain_q <= chain_d;
    addr_q <= addr_d;
    len_q <= len_d;
    nblocks_q <= nblocks_d;
    issued_q <= issued_d;
    written_q <= written_d;
    m_h_q <= m_h_d;
    m_h2_q <= m_h2_d;
    result_q <= result_d;
    dec_idx_q <= dec_idx_d;
    m_addr_q <= m_addr_d;
    m_len_q <= m_len_d;
    m_base_q <= m_base_d;
    m_n_q <= m_n_d;
    m_fed_q <= m_fed_d;
    m_aad_q <= m_aad_d;
    m_ej0_q <= m_ej0_d;
    m_aad12_q <= m_aad12_d;
    m_enc_q <= m_enc_d;
    iss_iv_q <= iss_iv_d;
    iss_n_q <= iss_n_d;
    iss_cnt_q <= iss_cnt_d;
    iss_slot_q <= iss_slot_d;
  end

  assign busy_o   = state_q != Idle || !chains_idle;
  logic unused_crypt;
  assign unused_crypt = ^{dec_tag_o[143:141], ks_idx_q[15:13], enc_tag_o[15:13], mode_q};
  assign result_o = result_q;

  assign done_o = done_q;
  assign done_slot_o = done_slot_q;
  assign slot_tag_o = m_ej0_q;

`ifndef SYNTHESIS
  // The chains never meet a GCM or CBC-decryption message: their pipe slots, buffer reads and
  // writes are taken without arbitration against those.
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (chains_idle ||
              !(gcm_state || state_q == CbcDecRun || j0_todo_q || ks_valid_q || dec_valid_o))
      else $error("esp_crypt: a CBC chain runs beside a GCM or CBC-decryption message");
    end
  end
`endif

endmodule
