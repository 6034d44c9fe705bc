// esp_inbound: ESP tunnel-mode decapsulation of one job (RFC 4303 3.4, RFC 3948 UDP, RFC
// 4106 GCM, RFC 3602 CBC + RFC 4868 HMAC), in the two steps of docs/hardware.md "Batches",
// byte for byte as hls/esp_inbound.cpp. Prepare: outer IPv4 (+UDP), SPI look-up, lengths,
// replay pre-check. Finalize: ICV (constant-time compare), decrypt, replay re-check and
// window update (RFC 4303 3.4.3, a 4096-bit ring per SA, RFC 4303 A2.1), trailer, inner
// header, selectors (RFC 4301 5.2), lifetime. The core's loader brings the packet to offset
// 0 of the job's buffer region before each step (load_ready_i): prepare's first 96 bytes,
// finalize's whole datagram. A GCM finalize checks what it can while its cipher runs (the
// replay re-check and the window word it will write, then trailer, padding, inner header and
// selectors as soon as the cipher has written the last plaintext byte) and records the first
// failure; once the tag is there it reports them in the contract's order: ICV, replay, the
// window moves, then the recorded failure or the lifetime. In step 1 a front stage (fr_*)
// checks the next jobs' outer headers in their own regions and looks their SPIs up while the
// running prepare reads its SA record and replay window, so a plain ESP or UDP-encapsulated
// packet starts its prepare at the record read; any other packet is prepared from the top.
module esp_inbound (
  input  logic                              clk_i,
  input  logic                              rst_ni,
  input  logic                              start_i,
  input  logic                              finalize_i,   // 0: prepare, 1: finalize
  input  logic [63:0]                       buf_addr_i,
  input  logic [15:0]                       offset_i,
  input  logic [15:0]                       length_i,
  input  logic [15:0]                       capacity_i,
  input  logic                              load_ready_i,  // the packet is at offset 0
  // Prepare's findings, handed back at finalize
  input  logic [111:0]                      view_i,    // {sa, esp_off, esp_len, seq}
  output logic [111:0]                      view_o,
  output logic                              pending_o,    // prepare passed: finalize follows
  // SA look-up by SPI (prepare); the core then presents the SA on rec_i (finalize: at start)
  output logic                              lookup_o,
  output logic [31:0]                       spi_o,
  input  logic                              lookup_done_i,
  input  logic                              lookup_found_i,
  input  logic [15:0]                       lookup_slot_i,
  input  esp_kernel_pkg::rec_t              rec_i,
  // The SA's replay bitmap, 32 words of 128 bits (1-clock read)
  output logic                              rp_rd_en_o,
  output logic [4:0]                        rp_word_o,
  input  logic [127:0]                      rp_rd_data_i,
  output logic                              rp_wr_en_o,
  output logic [127:0]                      rp_wr_data_o,
  // The next job's GCM prologue, while this job waits for its tag (docs/hardware-rtl.md
  // "Pass sequencer"): the core starts it with the next job's view and record (nx_start_i,
  // rec_i), it reads that job's ESP header and ICV in the next job's region (nx_buf_o) and
  // sends its request (nx_req_o, on crypt_o) once esp_crypt takes one (nx_crypt_ready_i);
  // the next start resumes that job at Replay2Read when the request went out (nx_issued_o).
  // Step 1's front stage: while the pass's step 1 runs (fr_on_i), it walks the jobs in order
  // (fr_k_o) once each is loaded (fr_have_i: its direction, whether the loader admitted it
  // and its length) and checks the outer header through the side port (nx_buf_o, the job's
  // region); for a packet it accepts, its SPI look-up (fr_lookup_o) and the fields the back
  // half needs wait in a one-job hand-over to the running job's prepare (job_k_i).
  input  logic                              fr_on_i,
  input  logic [6:0]                        job_k_i,
  output logic [6:0]                        fr_k_o,
  input  logic                              fr_have_i,
  input  logic                              fr_in_i,
  input  logic                              fr_ok_i,
  input  logic [15:0]                       fr_len_i,
  output logic                              fr_lookup_o,
  input  logic                              fr_lk_ready_i,  // the SPI index takes a start
  input  logic                              fr_lk_done_i,
  input  logic [15:0]                       fr_lk_slot_i,
  output logic                              rec_rd_o,       // the found SA's record, read now
  output logic [15:0]                       rec_slot_o,
  input  logic                              nx_start_i,
  input  logic [111:0]                      nx_view_i,
  output esp_kernel_pkg::buf_req_t          nx_buf_o,
  input  logic [127:0]                      nx_buf_rd_data_i,
  input  logic                              nx_crypt_ready_i,
  input  logic                              nx_crypt_done_i,  // the next job's slot's done
  output logic                              nx_req_o,
  output logic                              nx_issued_o,
  output logic                              tag_wait_o,       // this job's request is in
  output logic                              done_o,
  output esp_kernel_pkg::result_t           result_o,
  output esp_kernel_pkg::ev_t               ev_o,
  output esp_kernel_pkg::rec_t              rec_o,
  output esp_kernel_pkg::dma_req_t          dma_o,
  input  logic                              dma_done_i,
  input  logic                              store_ok_i,  // the write engine takes a store
  output esp_kernel_pkg::crypt_req_t        crypt_o,
  input  logic                              crypt_ready_i,  // esp_crypt takes a request
  input  logic                              crypt_done_i,
  input  logic [127:0]                      crypt_result_i,
  input  logic [31:0]                       crypt_written_i,  // bytes of the range written
  output esp_kernel_pkg::hmac_req_t         hmac_o,
  input  logic                              hmac_done_i,
  input  logic [127:0]                      icv_i,
  output esp_kernel_pkg::buf_req_t          buf_o,
  input  logic [127:0]                      buf_rd_data_i
);
  localparam int unsigned AB = esp_kernel_pkg::BufAddrBits;
  // Prepare reads at most the outer header (60), UDP (8) and ESP header (8) bytes, as 16-byte
  // reads; the rest of the datagram is loaded only for a UDP checksum.
  localparam logic [AB-1:0] PrepareBytes = esp_kernel_pkg::InPrepareBytes;

  typedef enum logic [5:0] {
    Idle,
    Load,
    LoadRest,     // prepare: the rest of the datagram, for a UDP checksum
    Ip0,          // prepare: read outer bytes 0..15
    Ip1,
    Ip2,
    OuterCheck,
    SumRead,      // one's-complement sum over [sum_addr, sum_end)
    SumAdd,
    SumCheck,
    UdpEsp,
    Lookup,
    PrepWait,     // prepare: until the front stage has decided about this job
    SaRead,       // prepare from the hand-over: the SA record arrives
    SaCheck,
    ReplayRead,
    ReplayCheck,
    EspRead,      // finalize: ESP header, IV, ICV
    EspIv,
    IcvRead,
    IcvHave,
    Auth,
    Replay2Read,
    Replay2Check,
    WindowStart,
    SpecWinRead,  // GCM: the one window word the move will write, read ahead
    SpecWinHave,
    PtWait,       // GCM: until the cipher has written the whole plaintext
    Resolve,      // GCM: the tag is there; ICV, replay, then the window moves
    WindowRead,
    WindowWrite,
    TrailerRead,
    TrailerHave,
    PadRead,
    PadCheck,
    NhCheck,
    InnerRead0,
    InnerRead1,
    InnerRead2,
    InnerCheck,
    PortsCheck,
    Account,
    Store,
    Finish
  } state_e;
  state_e state_q;
  state_e state_d;
  logic done_q;
  logic done_d;

  esp_kernel_pkg::rec_t    rec_q;

  esp_kernel_pkg::rec_t rec_d;
  esp_kernel_pkg::result_t res_q;
  esp_kernel_pkg::result_t res_d;
  esp_kernel_pkg::ev_t     ev_q;
  esp_kernel_pkg::ev_t ev_d;
  logic          fin_q, issued_q, pending_q, has_sa_q;
  logic has_sa_d;
  logic pending_d;
  logic issued_d;
  logic fin_d;
  logic [63:0]   buf_q;
  logic [63:0] buf_d;
  logic [15:0]   off_q, len_in_q, sa_q;
  logic [15:0] sa_d;
  logic [15:0] len_in_d;
  logic [15:0] off_d;
  logic [127:0]  c0_q, c1_q, c2_q, icv_q, iv_q;
  logic [127:0] icv_d;
  logic [127:0] iv_d;
  logic [127:0] c2_d;
  logic [127:0] c1_d;
  logic [127:0] c0_d;
  logic [31:0]   len_q;
  logic [31:0] len_d;               // datagram length as parsed so far
  logic [31:0]   esp_off_q, esp_len_q;
  logic [31:0] esp_len_d;
  logic [31:0] esp_off_d;
  logic [63:0]   seq_q;
  logic [63:0] seq_d;
  logic [31:0]   spi_q, seq_lo_q;
  logic [31:0] seq_lo_d;
  logic [31:0] spi_d;
  logic [AB-1:0] sum_addr_q, sum_end_q;
  logic [AB-1:0] sum_end_d;
  logic [AB-1:0] sum_addr_d;
  logic [15:0]   sum_q;
  logic [15:0] sum_d;
  logic          sum_udp_q;
  logic sum_udp_d;           // the running sum is the UDP checksum (else IPv4 header)
  logic [4:0]    word_q;
  logic [4:0] word_d;
  logic [5:0]    words_left_q;
  logic [5:0] words_left_d;
  logic [63:0]   top_q;
  logic [63:0] top_d;
  logic [31:0]   pad_q, avail_q, pad_pos_q, inner_total_q, inner_ihl_q;
  logic [31:0] inner_total_d;
  logic [31:0] inner_ihl_d;
  logic [31:0] pad_pos_d;
  logic [31:0] avail_d;
  logic [31:0] pad_d;
  logic [7:0]    nh_q;
  logic [7:0] nh_d;
  logic          bad_q, decrypted_q;
  logic          cissued_q, cissued_d, cdone_q, cdone_d, mdone_q, mdone_d;  // CBC Auth
  logic bad_d;
  logic decrypted_d;
  // A GCM finalize's speculative checks: the first failure found before the tag (its status
  // and counter), the tag seen, the window word read ahead (pre_q: the move writes one word).
  localparam logic [1:0] FailReplay = 2'd0, FailPad = 2'd1, FailOther = 2'd2, FailPolicy = 2'd3;
  logic          sp_fail_q, sp_fail_d, tag_seen_q, tag_seen_d, pre_q, pre_d;
  logic [1:0]    sp_code_q, sp_code_d;
  logic [7:0]    sp_status_q, sp_status_d;
  logic [127:0]  nw_q, nw_d;

  // The next job's prologue (a sub-machine of its own): its view, salt and ESN flag, ESP
  // header block and ICV, its request sent, its tag seen.
  typedef enum logic [2:0] {
    NxIdle,
    NxHdr,     // the ESP header arrives, the ICV read goes out
    NxIcv,     // the ICV arrives
    NxReq,     // waiting for esp_crypt to take the request
    NxIssued,  // the request is in: the next start resumes at Replay2Read
    NxNo       // not a GCM SA: the next job starts from the top
  } nx_state_e;
  nx_state_e     nx_state_q, nx_state_d;
  logic [7:0]    nx_off_q, nx_off_d;
  logic [16:0]   nx_len_q, nx_len_d;
  logic [63:0]   nx_seq_q, nx_seq_d;
  logic [31:0]   nx_salt_q, nx_salt_d;
  logic          nx_esn_q, nx_esn_d, nx_tag_q, nx_tag_d, nx_resume;
  logic [127:0]  nx_hdr_q, nx_hdr_d, nx_icv_q, nx_icv_d;
  logic [31:0]   nx_flags;
  logic [AB-1:0] nx_payload, nx_ct;
  assign nx_flags   = rec_i[32 * esp_reg_pkg::SaWordFlags +: 32];
  assign nx_payload = AB'({9'd0, nx_off_q} + 17'd16);
  assign nx_ct      = AB'(nx_len_q - 17'd32);  // ESP header, IV, ICV
  assign nx_resume  = nx_state_q == NxIssued;

  // Step 1's front stage (its own machine): the job it works on, what it kept of the outer
  // header's first 16 bytes, and the hand-over (h_*) of one accepted job to the back half.
  typedef enum logic [2:0] {
    FrIdle,   // waiting for job fr_k to be loaded; the header's first read goes out
    FrHdr1,   // outer bytes 0..15 arrive
    FrHdr2,   // bytes 16..31 arrive; the read at ihl waits for a free hand-over
    FrHold,
    FrEsp,    // the ESP (or UDP) header arrives: accepted into the hand-over, or not
    FrSlow    // the back half prepares job fr_k from the top (or it is outbound)
  } fr_state_e;
  fr_state_e     fr_state_q, fr_state_d;
  logic [6:0]    fr_k_q, fr_k_d;
  logic [3:0]    fr_ihl_q, fr_ihl_d;      // IHL in 32-bit words
  logic [15:0]   fr_total_q, fr_total_d, fr_sum_q, fr_sum_d;
  logic [7:0]    fr_proto_q, fr_proto_d;
  logic          fr_bad_q, fr_bad_d;      // bytes 0..15 fail a check or need the slow path
  logic          h_valid_q, h_valid_d, h_lk_q, h_lk_d, h_lkd_q, h_lkd_d, h_found_q, h_found_d;
  logic [6:0]    h_k_q, h_k_d;
  logic [31:0]   h_spi_q, h_spi_d, h_seq_lo_q, h_seq_lo_d;
  logic [7:0]    h_esp_off_q, h_esp_off_d;
  logic [15:0]   h_len_q, h_len_d, h_slot_q, h_slot_d;
  logic          h_ready, h_take, h_free, fr_slow_now, fr_rd_ihl;
  // The running job's hand-over is there with its look-up done (or done on this clock).
  assign h_ready     = fr_on_i && h_valid_q && h_k_q == job_k_i &&
                       (h_lkd_q || (h_lk_q && fr_lk_done_i));
  assign h_take      = h_ready && (state_q == PrepWait ||
                                   (state_q == Idle && start_i && !finalize_i));
  assign h_free      = !h_valid_q || h_take;
  assign fr_slow_now = fr_on_i && fr_state_q == FrSlow && fr_k_q == job_k_i;
  assign fr_rd_ihl   = (fr_state_q == FrHdr2 && !fr_bad_q || fr_state_q == FrHold) && h_free;

  // SA fields.
  logic [31:0] flags, window;
  logic        gcm, sha1, esn;
  logic [31:0] iv_len, align, ct_len, icv_len;
  assign flags  = rec_q[32 * esp_reg_pkg::SaWordFlags +: 32];
  assign window = rec_q[32 * esp_reg_pkg::SaWordReplayWindow +: 32];
  assign gcm    = flags[esp_kernel_pkg::FlagTransform +: 4] == 4'(esp_reg_pkg::TransformAesGcm16);
  assign esn    = flags[esp_kernel_pkg::FlagEsn];
  assign sha1   = flags[esp_kernel_pkg::FlagTransform +: 4] == 4'(esp_reg_pkg::TransformAesCbcHmacSha1);
  assign icv_len = sha1 ? 32'd12 : 32'd16;
  logic [127:0] icv_mask;  // the ICV's bytes (HMAC-SHA1-96: 12)
  assign icv_mask = sha1 ? {96'hFFFFFFFF_FFFFFFFF_FFFFFFFF, 32'd0} : '1;
  assign iv_len = gcm ? 32'd8 : 32'd16;
  assign align  = gcm ? 32'd4 : 32'd16;
  assign ct_len = esp_len_q - 32'd8 - iv_len - icv_len;
  logic spec;  // a GCM finalize: checks run under the cipher, failures are recorded
  assign spec = fin_q && gcm;
  logic [63:0] rec_top;
  assign rec_top = {rec_q[32 * esp_reg_pkg::SaWordSeqHi +: 32], rec_q[32 * esp_reg_pkg::SaWordSeqLo +: 32]};

  logic [AB-1:0] payload;   // first ciphertext byte in the local buffer
  assign payload = AB'(esp_off_q + 32'd8 + iv_len);

  function automatic logic [7:0] b(logic [127:0] blk, int unsigned i);
    b = blk[127 - 8 * i -: 8];
  endfunction
  function automatic logic [15:0] be16(logic [127:0] blk, int unsigned i);
    be16 = {blk[127 - 8 * i -: 8], blk[119 - 8 * i -: 8]};
  endfunction
  function automatic logic [31:0] be32(logic [127:0] blk, int unsigned i);
    be32 = blk[127 - 8 * i -: 32];
  endfunction

  // Outer header fields from c0 (bytes 0..15) and c1 (16..31).
  logic [31:0] ihl, ip_total;
  assign ihl      = {26'd0, c0_q[123:120], 2'd0};
  assign ip_total = {16'd0, be16(c0_q, 2)};
  logic [7:0]  proto;
  assign proto = b(c0_q, 9);

  // Replay check against a window (hls/replay.cpp replay_check): returns pass; needs the
  // bitmap word of seq when the other rules do not decide.
  logic [63:0] chk_top;
  logic        chk_decided, chk_pass, chk_bit;
  assign chk_top = rec_top;
  always_comb begin
    chk_decided = 1'b1;
    chk_pass    = 1'b1;
    if (seq_q == 0) begin
      chk_pass = 1'b0;  // never sent (RFC 4303 3.3.3)
    end else if (window == 0 || seq_q > chk_top) begin
      chk_pass = 1'b1;
    end else if (chk_top - seq_q >= {32'd0, window}) begin
      chk_pass = 1'b0;  // left of the window
    end else begin
      chk_decided = 1'b0;
    end
  end
  assign chk_bit = rp_rd_data_i[seq_q[6:0]];

  // Window update (hls/replay.cpp replay_update): the ring bits of top+1..seq are cleared,
  // the bit of seq set. Word w, bit j stands for ring index 128w + j.
  // Below 4096 the indices top+1..seq form one cyclic range [lo, hi] of the ring, so word
  // w's mask is two thermometers (index >= lo, index <= hi), ANDed, or ORed when the range
  // wraps past index 4095: no per-bit subtract or 64-bit compare.
  logic [63:0]  adv;
  logic [11:0]  clr_lo, clr_hi;
  logic [127:0] from_lo, to_hi, clear_mask, new_word;
  assign adv    = seq_q - top_q;
  assign clr_lo = top_q[11:0] + 12'd1;
  assign clr_hi = seq_q[11:0];
  always_comb begin
    from_lo = (word_q > clr_lo[11:7]) ? '1 : (word_q == clr_lo[11:7]) ? ('1 << clr_lo[6:0]) : '0;
    to_hi   = (word_q < clr_hi[11:7]) ? '1 : (word_q == clr_hi[11:7]) ? ('1 >> (7'd127 - clr_hi[6:0])) : '0;
    if (!(seq_q > top_q)) clear_mask = '0;
    else if (adv >= 64'd4096) clear_mask = '1;
    else if (clr_lo <= clr_hi) clear_mask = from_lo & to_hi;
    else clear_mask = from_lo | to_hi;
    new_word = rp_rd_data_i & ~clear_mask;
    if (word_q == seq_q[11:7] && (seq_q > top_q || window != 0)) new_word[seq_q[6:0]] = 1'b1;
  end

  // Pad bytes of the chunk at payload + avail + pad_pos: byte j must be pad_pos + j + 1.
  logic pad_bad;
  always_comb begin
    pad_bad = 1'b0;
    for (int unsigned j = 0; j < 16; j++) begin
      if (pad_pos_q + j < pad_q && b(buf_rd_data_i, j) != 8'(pad_pos_q + j + 1)) pad_bad = 1'b1;
    end
  end

  // The trailer block (the last 16 plaintext bytes) on the read port: with at most 14 pad
  // bytes they are all in it, at 14 - pad .. 13, and byte k of them must be k + 1.
  logic [31:0] pad_now, avail_now;
  logic        pad_bad_tr;
  assign pad_now   = {24'd0, b(buf_rd_data_i, 14)};
  assign avail_now = ct_len - 32'd2 - pad_now;
  always_comb begin
    pad_bad_tr = 1'b0;
    for (int unsigned j = 0; j < 14; j++) begin
      if (32'(j) + pad_now >= 32'd14 && b(buf_rd_data_i, j) != 8'(32'(j) + pad_now - 32'd13)) pad_bad_tr = 1'b1;
    end
  end
  logic icv_ok;  // constant-time: one 128-bit compare, no early exit
  assign icv_ok = ((gcm ? crypt_result_i : icv_i) & icv_mask) == (icv_q & icv_mask);
  logic pt_done;  // the cipher has written the whole plaintext
  assign pt_done = crypt_written_i >= ct_len || tag_seen_q;
  logic tag_now, resolve_wr;
  assign tag_now    = tag_seen_q || (issued_q && crypt_done_i);
  assign resolve_wr = state_q == Resolve && tag_now && icv_ok && pre_q &&
                      !(sp_fail_q && sp_code_q == FailReplay);

  // Inner header (c0 = payload bytes 0..15, c1 = 16..31) against the selectors.
  logic [31:0] in_src, in_dst, sel_pp, sel_sp, sel_dp;
  logic [7:0]  in_proto, sel_proto;
  logic        sel_addr_ok;
  assign in_src      = be32(c0_q, 12);
  assign in_dst      = be32(c1_q, 0);
  assign in_proto    = b(c0_q, 9);
  assign sel_pp      = rec_q[32 * esp_reg_pkg::SaWordSelProtoPorts +: 32];
  assign sel_proto   = sel_pp[7:0];
  assign sel_sp      = rec_q[32 * esp_reg_pkg::SaWordSelSrcPorts +: 32];
  assign sel_dp      = rec_q[32 * esp_reg_pkg::SaWordSelDstPorts +: 32];
  assign sel_addr_ok =
      ((in_src & rec_q[32 * esp_reg_pkg::SaWordSelSrcMask +: 32]) ==
       (rec_q[32 * esp_reg_pkg::SaWordSelSrcAddr +: 32] & rec_q[32 * esp_reg_pkg::SaWordSelSrcMask +: 32])) &&
      ((in_dst & rec_q[32 * esp_reg_pkg::SaWordSelDstMask +: 32]) ==
       (rec_q[32 * esp_reg_pkg::SaWordSelDstAddr +: 32] & rec_q[32 * esp_reg_pkg::SaWordSelDstMask +: 32]));
  logic [15:0] sport, dport;
  assign sport = be16(buf_rd_data_i, 0);
  assign dport = be16(buf_rd_data_i, 2);

  esp_kernel_pkg::account_t acct;
  assign acct = esp_kernel_pkg::account(rec_q, inner_total_q);

  logic [31:0] pseudo;  // UDP pseudo-header: addresses, protocol, length (RFC 768)
  assign pseudo = {16'd0, be16(c0_q, 12)} + {16'd0, be16(c0_q, 14)} + {16'd0, be16(c1_q, 0)} +
                  {16'd0, be16(c1_q, 2)} + 32'd17 + {16'd0, be16(c2_q, 4)};
  logic [31:0] pseudo_f1;
  logic [15:0] pseudo_sum;
  assign pseudo_f1  = {16'd0, pseudo[15:0]} + {16'd0, pseudo[31:16]};
  assign pseudo_sum = pseudo_f1[15:0] + {15'd0, pseudo_f1[16]};

  // The prepare step's length checks (before esp_len_q is registered).
  logic [31:0] esp_len_now, ct_now;
  assign esp_len_now = len_q - esp_off_q;
  assign ct_now      = esp_len_now - 32'd8 - iv_len - icv_len;

  // Window update plan: which bitmap words the move from top to seq touches.
  logic [63:0] adv_now;
  logic [4:0]  first_word;
  assign adv_now    = seq_q - rec_top;
  assign first_word = 5'((rec_top[11:0] + 12'd1) >> 7);

  // Ends the job with a status; counter c counts it when the job has an SA.
  // (Called from the FSM's always_comb: it sets the next state.)
  task automatic finish(input logic [7:0] status, input int unsigned c, input logic with_seq);
    res_d.status = status;
    if (has_sa_q) rec_d = esp_kernel_pkg::count(rec_q, c, 64'd1);
    if (with_seq) begin
      res_d.seq       = seq_q;
      res_d.seq_valid = 1'b1;
    end
    if (decrypted_q) begin
      state_d = Store;
    end else begin  // nothing to store: done on this clock
      done_d = 1'b1;
      state_d = Idle;
    end
  endtask
  // A prepare in step 1 starts from the front stage's hand-over (its look-up done: the
  // found SA's record is read now, rec_rd_o), or from the top once the stage left the job to
  // it (the loader admitted the job, so it reads its first bytes from Load), or waits.
  logic        h_found_now;
  logic [15:0] h_slot_now;
  assign h_found_now = h_lkd_q ? h_found_q : lookup_found_i;
  assign h_slot_now  = h_lkd_q ? h_slot_q : fr_lk_slot_i;
  task automatic prep_pick();
    if (h_take) begin
      spi_d = h_spi_q;
      seq_lo_d = h_seq_lo_q;
      esp_off_d = {24'd0, h_esp_off_q};
      len_d = {16'd0, h_len_q};
      if (!h_found_now) begin  // Lookup's miss
        res_d.status = 8'(esp_reg_pkg::StatusBadSpi);
        done_d = 1'b1;
        state_d = Idle;
      end else begin
        sa_d = h_slot_now;
        res_d.sa = h_slot_now;
        has_sa_d = 1'b1;
        state_d = SaRead;
      end
    end else if (fr_slow_now) begin
      state_d = Load;
    end else begin
      state_d = PrepWait;
    end
  endtask
  // A check after the ICV fails: a GCM finalize records it (the first one) and waits for
  // the tag; otherwise (CBC, the ICV already verified) the job ends here.
  task automatic fail(input logic [7:0] status, input logic [1:0] code);
    sp_fail_d   = 1'b1;
    sp_status_d = status;
    sp_code_d   = code;
    state_d     = Resolve;
  endtask

  always_comb begin
    done_d = done_q;
    fin_d = fin_q;
    buf_d = buf_q;
    off_d = off_q;
    len_in_d = len_in_q;
    rec_d = rec_q;
    ev_d = ev_q;
    issued_d = issued_q;
    pending_d = pending_q;
    decrypted_d = decrypted_q;
    cissued_d = cissued_q;
    cdone_d = cdone_q;
    mdone_d = mdone_q;
    bad_d = bad_q;
    has_sa_d = has_sa_q;
    sa_d = sa_q;
    esp_off_d = esp_off_q;
    esp_len_d = esp_len_q;
    seq_d = seq_q;
    res_d = res_q;
    state_d = state_q;
    c0_d = c0_q;
    c1_d = c1_q;
    c2_d = c2_q;
    len_d = len_q;
    sum_addr_d = sum_addr_q;
    sum_end_d = sum_end_q;
    sum_d = sum_q;
    sum_udp_d = sum_udp_q;
    spi_d = spi_q;
    seq_lo_d = seq_lo_q;
    iv_d = iv_q;
    icv_d = icv_q;
    top_d = top_q;
    word_d = word_q;
    words_left_d = words_left_q;
    pad_d = pad_q;
    nh_d = nh_q;
    avail_d = avail_q;
    pad_pos_d = pad_pos_q;
    inner_ihl_d = inner_ihl_q;
    inner_total_d = inner_total_q;
    sp_fail_d = sp_fail_q;
    sp_code_d = sp_code_q;
    sp_status_d = sp_status_q;
    tag_seen_d = tag_seen_q;
    pre_d = pre_q;
    nw_d = nw_q;
    if (issued_q && crypt_done_i) tag_seen_d = 1'b1;

    done_d = 1'b0;
    unique case (state_q)
      Idle: begin
        if (start_i) begin
          fin_d = finalize_i;
          buf_d = buf_addr_i;
          off_d = offset_i;
          len_in_d = length_i;
          rec_d = rec_i;
          ev_d = '0;
          issued_d = 1'b0;
          pending_d = 1'b0;
          decrypted_d = 1'b0;
          cissued_d = 1'b0;
          cdone_d = 1'b0;
          mdone_d = 1'b0;
          bad_d = 1'b0;
          sp_fail_d = 1'b0;
          tag_seen_d = 1'b0;
          pre_d = 1'b0;
          has_sa_d = finalize_i;
          sa_d = finalize_i ? view_i[111:96] : 16'hFFFF;
          esp_off_d = {24'd0, view_i[95:88]};
          esp_len_d = {15'd0, view_i[80:64]};
          seq_d = view_i[63:0];
          res_d = {8'(esp_reg_pkg::StatusOk), finalize_i ? view_i[111:96] : 16'hFFFF,
                           offset_i, length_i, 64'd0, 1'b0};  // result_t
          if (finalize_i && nx_resume) begin
            // The prologue ran while the previous job waited for its tag: the ESP header,
            // the ICV and the request are there; rec_i was read after that job's write-back.
            c2_d = nx_hdr_q;
            spi_d = nx_hdr_q[127:96];
            seq_lo_d = nx_hdr_q[95:64];
            icv_d = nx_icv_q;
            issued_d = 1'b1;
            tag_seen_d = nx_tag_q || nx_crypt_done_i;
            state_d = Replay2Read;
          end else if (!esp_kernel_pkg::job_loaded(1'b1, finalize_i, 1'b1, offset_i, length_i,
                                          capacity_i)) begin
            res_d.status = 8'(esp_reg_pkg::StatusMalformed);
            state_d = Finish;
          end else if (!finalize_i && fr_on_i) begin
            prep_pick();
          end else if (load_ready_i) begin  // already loaded: the first read goes out now
            state_d = finalize_i ? EspIv : Ip1;
          end else begin
            state_d = Load;
          end
        end
      end
      Load: if (load_ready_i) state_d = fin_q ? EspRead : Ip0;  // the core's loader
      LoadRest: begin
        issued_d = 1'b1;
        if (dma_done_i) begin
          issued_d = 1'b0;
          state_d = SumRead;
        end
      end
      // ---------------- prepare: outer IPv4 and UDP, failures belong to no SA ----------
      Ip0: state_d = Ip1;
      Ip1: begin
        c0_d = buf_rd_data_i;
        state_d = Ip2;
      end
      Ip2: begin  // the header checksum's first 16 bytes
        c1_d = buf_rd_data_i;
        sum_d = esp_kernel_pkg::ones_sum_block(c0_q, 16'hFFFF, 16'd0);
        state_d = OuterCheck;
      end
      OuterCheck: begin  // the bytes at ihl (UDP or ESP header) arrive now
        c2_d = buf_rd_data_i;
        len_d = ip_total;
        esp_off_d = ihl;
        sum_addr_d = '0;
        sum_end_d = AB'(ihl);
        sum_d = '0;
        sum_udp_d = 1'b0;
        if (ihl <= 32'd32) begin  // the header is in c0 and c1: no reads for its checksum
          sum_d = esp_kernel_pkg::ones_sum_block(c1_q, esp_kernel_pkg::mask_first(AB'(ihl - 32'd16)),
                                                 sum_q);
        end
        if ({16'd0, len_in_q} < 32'd20 || c0_q[127:124] != 4'd4 || ihl < 32'd20 ||
            ihl > ip_total || ip_total > {16'd0, len_in_q} ||
            (be16(c0_q, 6) & 16'h3FFF) != 0) begin
          // Fragments are not reassembled here.
          finish(8'(esp_reg_pkg::StatusMalformed), 0, 1'b0);
        end else begin
          state_d = (ihl <= 32'd32) ? SumCheck : SumRead;  // header checksum
        end
      end
      SumRead: state_d = SumAdd;
      SumAdd: begin
        sum_d = esp_kernel_pkg::ones_sum_block(buf_rd_data_i,
                          esp_kernel_pkg::mask_first(sum_end_q - sum_addr_q), sum_q);
        sum_addr_d = sum_addr_q + 17'd16;
        state_d = (sum_addr_q + 17'd16 < sum_end_q) ? SumRead : SumCheck;
      end
      SumCheck: begin
        if (sum_q != 16'hFFFF) begin
          finish(8'(esp_reg_pkg::StatusMalformed), 0, 1'b0);
        end else if (sum_udp_q) begin
          state_d = UdpEsp;
        end else if (proto == 8'd17) begin
          if (len_q - esp_off_q < 32'd8 || be16(c2_q, 4) < 16'd8 ||
              {16'd0, be16(c2_q, 4)} > len_q - esp_off_q) begin
            finish(8'(esp_reg_pkg::StatusMalformed), 0, 1'b0);
          end else if (be16(c2_q, 6) != 0) begin
            // A sender that did checksum gets checked (RFC 768).
            sum_addr_d = AB'(esp_off_q);
            sum_end_d = AB'(esp_off_q + {16'd0, be16(c2_q, 4)});
            sum_d = pseudo_sum;
            sum_udp_d = 1'b1;
            issued_d = 1'b0;
            state_d = ({16'd0, len_in_q} > {15'd0, PrepareBytes}) ? LoadRest : SumRead;
          end else begin
            state_d = UdpEsp;
          end
        end else if (proto != 8'd50) begin
          finish(8'(esp_reg_pkg::StatusMalformed), 0, 1'b0);
        end else begin  // EspHdr's work on this clock
          spi_d = be32(c2_q, 0);
          seq_lo_d = be32(c2_q, 4);
          if (len_q - esp_off_q < 32'd8) begin
            finish(8'(esp_reg_pkg::StatusMalformed), 0, 1'b0);
          end else begin
            issued_d = 1'b1;  // the look-up starts on this clock (lk_early)
            state_d = Lookup;
          end
        end
      end
      UdpEsp: begin
        // RFC 3948 2.2: a zero non-ESP marker means IKE, which does not belong here.
        len_d = esp_off_q + {16'd0, be16(c2_q, 4)};
        esp_off_d = esp_off_q + 32'd8;
        spi_d = be32(c2_q, 8);
        seq_lo_d = be32(c2_q, 12);
        if ({16'd0, be16(c2_q, 4)} - 32'd8 < 32'd8 || be32(c2_q, 8) == 0) begin
          finish(8'(esp_reg_pkg::StatusMalformed), 0, 1'b0);
        end else begin
          issued_d = 1'b1;  // the look-up starts on this clock (lk_early)
          state_d = Lookup;
        end
      end
      PrepWait: prep_pick();
      SaRead: begin
        rec_d = rec_i;
        state_d = SaCheck;
      end
      Lookup: begin
        issued_d = 1'b1;
        if (lookup_done_i) begin
          issued_d = 1'b0;
          if (!lookup_found_i) begin
            res_d.status = 8'(esp_reg_pkg::StatusBadSpi);
            done_d = 1'b1;
            state_d = Idle;
          end else begin
            rec_d = rec_i;
            sa_d = lookup_slot_i;
            res_d.sa = lookup_slot_i;
            has_sa_d = 1'b1;
            state_d = SaCheck;
          end
        end
      end
      SaCheck: begin
        esp_len_d = esp_len_now;
        seq_d = esp_kernel_pkg::infer_seq(rec_top, window, esn, seq_lo_q);
        if (rec_q[32 * esp_reg_pkg::SaWordSaState + esp_kernel_pkg::StateHardExpired]) begin
          finish(8'(esp_reg_pkg::StatusLifetimeExpired), esp_reg_pkg::CounterOtherDrops, 1'b0);
        end else if (esp_len_now < 32'd8 + iv_len + icv_len + align ||
                     (ct_now & (align - 32'd1)) != 0) begin
          finish(8'(esp_reg_pkg::StatusMalformed), esp_reg_pkg::CounterOtherDrops, 1'b0);
        end else begin
          state_d = ReplayRead;
        end
      end
      // Replay pre-check against the window as the pass found it.
      ReplayRead: begin
        if (chk_decided && !chk_pass) begin
          finish(8'(esp_reg_pkg::StatusReplay), esp_reg_pkg::CounterReplayFails, 1'b0);
        end else if (chk_decided) begin
          pending_d = 1'b1;
          done_d = 1'b1;
          state_d = Idle;
        end else begin
          state_d = ReplayCheck;
        end
      end
      ReplayCheck: begin
        if (chk_bit) begin
          finish(8'(esp_reg_pkg::StatusReplay), esp_reg_pkg::CounterReplayFails, 1'b0);
        end else begin
          pending_d = 1'b1;
          done_d = 1'b1;
          state_d = Idle;
        end
      end
      // ---------------- finalize ----------------
      EspRead: state_d = EspIv;
      // GCM's request goes out here, with J0 and the AAD from the ESP header arriving now;
      // the ICV read issued on this clock is the framer's last buffer access before its
      // checks (the cipher's first read comes a pipe latency later). CBC reads its IV first.
      EspIv: begin
        c2_d = buf_rd_data_i;
        spi_d = be32(buf_rd_data_i, 0);
        seq_lo_d = be32(buf_rd_data_i, 4);
        if (gcm) issued_d = crypt_ready_i;
        state_d = gcm ? IcvHave : IcvRead;
      end
      IcvRead: begin
        iv_d = buf_rd_data_i;
        state_d = IcvHave;
      end
      IcvHave: begin
        icv_d = buf_rd_data_i;
        if (!spec) begin
          state_d = Auth;
        end else begin  // the request, if the cipher was still busy at IcvRead
          issued_d = issued_q || crypt_ready_i;
          if (issued_d) state_d = Replay2Read;
        end
      end
      // An outbound job's GCM tag may still be finishing in esp_crypt (its tail overlaps
      // the next job): the request waits for the engine, and only its own done counts.
      // CBC: the MAC starts on the first clock, the decryption (in place) once the MAC runs,
      // each ciphertext block read by the MAC before the decryption may overwrite it
      // (esp_core's bound); the ICV is checked once both are done, and a failure leaves
      // window, counters and result as before (the plaintext is never stored).
      Auth: begin
        issued_d = issued_q || !gcm || crypt_ready_i;
        if (!gcm && issued_q && crypt_ready_i) cissued_d = 1'b1;
        if (cissued_q && crypt_done_i) cdone_d = 1'b1;
        if (issued_q && hmac_done_i) mdone_d = 1'b1;
        if (issued_q && (gcm ? crypt_done_i : ((mdone_q || hmac_done_i) &&
                                               (cdone_q || (cissued_q && crypt_done_i))))) begin
          issued_d = 1'b0;
          // Constant-time: one 128-bit compare, no early exit.
          if (((gcm ? crypt_result_i : icv_i) & icv_mask) != (icv_q & icv_mask)) begin
            finish(8'(esp_reg_pkg::StatusAuthFail), esp_reg_pkg::CounterAuthFails, 1'b1);
          end else begin
            decrypted_d = 1'b1;
            state_d = Replay2Read;
          end
        end
      end
      // Authentic: check again (a twin earlier in the pass may have taken the number),
      // then the window moves.
      Replay2Read: begin
        top_d = rec_top;
        if (chk_decided && !chk_pass) begin
          if (spec) fail(8'(esp_reg_pkg::StatusReplay), FailReplay);
          else finish(8'(esp_reg_pkg::StatusReplay), esp_reg_pkg::CounterReplayFails, 1'b1);
        end else if (chk_decided) begin
          state_d = WindowStart;
        end else begin
          state_d = Replay2Check;
        end
      end
      Replay2Check: begin
        if (chk_bit) begin
          if (spec) fail(8'(esp_reg_pkg::StatusReplay), FailReplay);
          else finish(8'(esp_reg_pkg::StatusReplay), esp_reg_pkg::CounterReplayFails, 1'b1);
        end else begin
          state_d = WindowStart;
        end
      end
      // The move's plan (which bitmap words); a GCM finalize moves the top only at Resolve,
      // once the ICV has verified, and reads the word ahead when the move writes one.
      WindowStart: begin
        if (seq_q > rec_top) begin
          if (!spec) begin
            rec_d[32 * esp_reg_pkg::SaWordSeqLo +: 32] = seq_q[31:0];
            rec_d[32 * esp_reg_pkg::SaWordSeqHi +: 32] = seq_q[63:32];
          end
          if (adv_now >= 64'd3968) begin
            word_d = '0;
            words_left_d = 6'd32;
          end else begin
            word_d = first_word;
            words_left_d = {1'b0, seq_q[11:7] - first_word} + 6'd1;
          end
        end else begin
          word_d = seq_q[11:7];
          words_left_d = (window != 0) ? 6'd1 : 6'd0;
        end
        if (!spec) state_d = WindowRead;
        else state_d = (words_left_d == 6'd1) ? SpecWinRead : PtWait;
      end
      SpecWinRead: state_d = SpecWinHave;
      SpecWinHave: begin
        nw_d = new_word;
        pre_d = 1'b1;
        state_d = PtWait;
      end
      PtWait: if (pt_done) state_d = TrailerHave;  // TrailerRead's read goes out now
      // The tag: ICV first; an authentic packet's recorded replay failure; else the window
      // moves (the word read ahead written now) and Account reports what else was recorded.
      Resolve: begin
        if (tag_now) begin
          issued_d = 1'b0;
          if (!icv_ok) begin
            finish(8'(esp_reg_pkg::StatusAuthFail), esp_reg_pkg::CounterAuthFails, 1'b1);
          end else if (sp_fail_q && sp_code_q == FailReplay) begin
            decrypted_d = 1'b1;
            finish(8'(esp_reg_pkg::StatusReplay), esp_reg_pkg::CounterReplayFails, 1'b1);
            done_d = 1'b0;  // decrypted: the store first
            state_d = Store;
          end else begin
            decrypted_d = 1'b1;
            if (seq_q > rec_top) begin
              rec_d[32 * esp_reg_pkg::SaWordSeqLo +: 32] = seq_q[31:0];
              rec_d[32 * esp_reg_pkg::SaWordSeqHi +: 32] = seq_q[63:32];
            end
            state_d = (pre_q || words_left_q == 0) ? Account : WindowRead;
          end
        end
      end
      WindowRead: begin
        if (words_left_q != 0) state_d = WindowWrite;
        else state_d = spec ? Account : TrailerRead;
      end
      WindowWrite: begin
        word_d = word_q + 5'd1;
        words_left_d = words_left_q - 6'd1;
        if (words_left_q != 6'd1) state_d = WindowRead;
        else state_d = spec ? Account : TrailerRead;
      end
      TrailerRead: state_d = TrailerHave;
      // With at most 14 pad bytes the padding and next header are checked here (NhCheck's
      // order) and the inner header's first read goes out on this clock.
      TrailerHave: begin
        pad_d = pad_now;
        nh_d = b(buf_rd_data_i, 15);
        avail_d = avail_now;
        pad_pos_d = '0;
        if (pad_now + 32'd2 > ct_len) begin
          if (spec) fail(8'(esp_reg_pkg::StatusBadPad), FailPad);
          else finish(8'(esp_reg_pkg::StatusBadPad), esp_reg_pkg::CounterPadFails, 1'b1);
        end else if (pad_now > 32'd14) begin
          state_d = PadRead;
        end else if (pad_bad_tr) begin
          if (spec) fail(8'(esp_reg_pkg::StatusBadPad), FailPad);
          else finish(8'(esp_reg_pkg::StatusBadPad), esp_reg_pkg::CounterPadFails, 1'b1);
        end else if (b(buf_rd_data_i, 15) != 8'd4) begin
          if (spec) fail(8'(esp_reg_pkg::StatusBadNextHeader), FailPad);
          else finish(8'(esp_reg_pkg::StatusBadNextHeader), esp_reg_pkg::CounterPadFails, 1'b1);
        end else if (avail_now < 32'd20) begin
          if (spec) fail(8'(esp_reg_pkg::StatusMalformed), FailOther);
          else finish(8'(esp_reg_pkg::StatusMalformed), esp_reg_pkg::CounterOtherDrops, 1'b1);
        end else begin
          state_d = InnerRead1;
        end
      end
      PadRead: state_d = PadCheck;
      PadCheck: begin
        if (pad_bad) bad_d = 1'b1;
        pad_pos_d = pad_pos_q + 32'd16;
        state_d = (pad_pos_q + 32'd16 < pad_q) ? PadRead : NhCheck;
      end
      NhCheck: begin
        if (bad_q) begin
          if (spec) fail(8'(esp_reg_pkg::StatusBadPad), FailPad);
          else finish(8'(esp_reg_pkg::StatusBadPad), esp_reg_pkg::CounterPadFails, 1'b1);
        end else if (nh_q != 8'd4) begin
          if (spec) fail(8'(esp_reg_pkg::StatusBadNextHeader), FailPad);
          else finish(8'(esp_reg_pkg::StatusBadNextHeader), esp_reg_pkg::CounterPadFails, 1'b1);
        end else if (avail_q < 32'd20) begin
          if (spec) fail(8'(esp_reg_pkg::StatusMalformed), FailOther);
          else finish(8'(esp_reg_pkg::StatusMalformed), esp_reg_pkg::CounterOtherDrops, 1'b1);
        end else begin
          state_d = InnerRead0;
        end
      end
      // Inner IPv4: its total length must fit; anything after it is TFC padding (RFC 4303 2.7).
      InnerRead0: state_d = InnerRead1;
      InnerRead1: begin
        c0_d = buf_rd_data_i;
        state_d = InnerRead2;
      end
      InnerRead2: begin
        c1_d = buf_rd_data_i;
        inner_ihl_d = {26'd0, c0_q[123:120], 2'd0};
        inner_total_d = {16'd0, be16(c0_q, 2)};
        state_d = InnerCheck;
      end
      InnerCheck: begin  // the bytes at payload + ihl (ports) arrive now
        if (c0_q[127:124] != 4'd4 || inner_ihl_q < 32'd20 || inner_total_q < inner_ihl_q ||
            inner_total_q > avail_q) begin
          if (spec) fail(8'(esp_reg_pkg::StatusMalformed), FailOther);
          else finish(8'(esp_reg_pkg::StatusMalformed), esp_reg_pkg::CounterOtherDrops, 1'b1);
        end else if (!sel_addr_ok || (sel_proto != 0 && in_proto != sel_proto)) begin
          if (spec) fail(8'(esp_reg_pkg::StatusPolicyFail), FailPolicy);
          else finish(8'(esp_reg_pkg::StatusPolicyFail), esp_reg_pkg::CounterPolicyFails, 1'b1);
        end else if (sel_proto != 8'd6 && sel_proto != 8'd17) begin
          state_d = spec ? Resolve : Account;  // any protocol, or one without ports
        end else if (sel_sp == 32'h0000FFFF && sel_dp == 32'h0000FFFF) begin
          state_d = spec ? Resolve : Account;
        end else if ((be16(c0_q, 6) & 16'h1FFF) != 0 || inner_ihl_q + 32'd4 > inner_total_q) begin
          // Ports are only in the first fragment (RFC 4301 7).
          if (spec) fail(8'(esp_reg_pkg::StatusPolicyFail), FailPolicy);
          else finish(8'(esp_reg_pkg::StatusPolicyFail), esp_reg_pkg::CounterPolicyFails, 1'b1);
        end else begin
          state_d = PortsCheck;
        end
      end
      PortsCheck: begin
        if (sport >= sel_sp[31:16] && sport <= sel_sp[15:0] &&
            dport >= sel_dp[31:16] && dport <= sel_dp[15:0]) begin
          state_d = spec ? Resolve : Account;
        end else begin
          if (spec) fail(8'(esp_reg_pkg::StatusPolicyFail), FailPolicy);
          else finish(8'(esp_reg_pkg::StatusPolicyFail), esp_reg_pkg::CounterPolicyFails, 1'b1);
        end
      end
      // Lifetime; for a GCM finalize first the failure recorded before the tag (the window
      // has moved by now, as for CBC). Account always follows a decryption: it hands the
      // store over itself and ends the job.
      Account: begin
        if (!store_ok_i) begin
          state_d = Account;  // the previous job's store still waits for the write engine
        end else if (spec && sp_fail_q) begin
          unique case (sp_code_q)
            FailPad:    finish(sp_status_q, esp_reg_pkg::CounterPadFails, 1'b1);
            FailPolicy: finish(sp_status_q, esp_reg_pkg::CounterPolicyFails, 1'b1);
            default:    finish(sp_status_q, esp_reg_pkg::CounterOtherDrops, 1'b1);
          endcase
        end else begin
          ev_d = acct.ev;
          if (!acct.ok) begin
            rec_d = esp_kernel_pkg::count(acct.rec, esp_reg_pkg::CounterOtherDrops, 64'd1);
            res_d.status = 8'(esp_reg_pkg::StatusLifetimeExpired);
          end else begin
            rec_d = acct.rec;
            res_d.offset = off_q + 16'(payload);
            res_d.length = inner_total_q[15:0];
          end
          res_d.seq = seq_q;
          res_d.seq_valid = 1'b1;
        end
        if (store_ok_i) begin
          done_d = 1'b1;
          state_d = Idle;
        end
      end
      // The store is handed to the core's write engine and runs on while the next job
      // finalizes in the other buffer region (the core keeps this region until it is done).
      Store: begin
        if (store_ok_i) begin
          done_d = 1'b1;
          state_d = Idle;
        end
      end
      Finish: begin
        done_d = 1'b1;
        state_d = Idle;
      end
      default: state_d = Idle;
    endcase
  end

  // Step 1's front stage. It accepts only what the back half's outer states would pass
  // with a header of at most 32 bytes (so the checksum needs no reads beyond c0 and c1) and
  // no UDP checksum to verify (that needs the rest of the datagram): an ESP header, or a
  // UDP header with the ESP one behind it. Anything else, any failure included, is left to
  // the back half from the top (FrSlow), which reports it exactly as before; the stage waits
  // until that job has finished. It reads only loaded jobs' regions, which nobody writes
  // before those jobs end, and looks up SPIs only while the back half does not (the SPI
  // index does not change during a pass), so a job's record is still read after every
  // earlier job's write-back and the pass's prepares all see the SA state as it found it.
  logic [127:0] fr_rd;
  logic [31:0]  fr_ihl_b, fr_udp_len, fr_room;
  logic         fr_udp_ok, fr_esp_ok;
  assign fr_rd      = nx_buf_rd_data_i;
  assign fr_ihl_b   = {26'd0, fr_ihl_q, 2'd0};
  assign fr_udp_len = {16'd0, be16(fr_rd, 4)};
  assign fr_room    = {16'd0, fr_total_q} - fr_ihl_b;  // datagram bytes after the outer header
  // SumCheck, then UdpEsp (a zero UDP checksum) or EspHdr, as the back half checks them.
  assign fr_esp_ok  = fr_sum_q == 16'hFFFF && fr_room >= 32'd8 && fr_proto_q == 8'd50;
  assign fr_udp_ok  = fr_sum_q == 16'hFFFF && fr_room >= 32'd8 && fr_proto_q == 8'd17 &&
                      fr_udp_len >= 32'd16 && fr_udp_len <= fr_room && be16(fr_rd, 6) == 16'd0 &&
                      be32(fr_rd, 8) != 32'd0;
  always_comb begin
    fr_state_d  = fr_state_q;
    fr_k_d      = fr_k_q;
    fr_ihl_d    = fr_ihl_q;
    fr_total_d  = fr_total_q;
    fr_sum_d    = fr_sum_q;
    fr_proto_d  = fr_proto_q;
    fr_bad_d    = fr_bad_q;
    h_valid_d   = h_valid_q && !h_take;
    h_k_d       = h_k_q;
    h_spi_d     = h_spi_q;
    h_seq_lo_d  = h_seq_lo_q;
    h_esp_off_d = h_esp_off_q;
    h_len_d     = h_len_q;
    h_lk_d      = h_lk_q || fr_lookup_o;
    h_lkd_d     = h_lkd_q;
    h_found_d   = h_found_q;
    h_slot_d    = h_slot_q;
    if (h_lk_q && !h_lkd_q && fr_lk_done_i) begin
      h_lkd_d   = 1'b1;
      h_found_d = lookup_found_i;
      h_slot_d  = fr_lk_slot_i;
    end
    unique case (fr_state_q)
      FrIdle: begin
        if (job_k_i > fr_k_q) begin
          fr_k_d = fr_k_q + 7'd1;  // an outbound job that ended before the stage came to it
        end else if (fr_have_i) begin
          fr_state_d = (fr_in_i && fr_ok_i) ? FrHdr1 : FrSlow;
        end
      end
      FrHdr1: begin  // OuterCheck's tests on bytes 0..15; a header over 32 bytes goes slow
        fr_ihl_d   = fr_rd[123:120];
        fr_total_d = be16(fr_rd, 2);
        fr_proto_d = b(fr_rd, 9);
        fr_sum_d   = esp_kernel_pkg::ones_sum_block(fr_rd, 16'hFFFF, 16'd0);
        fr_bad_d   = fr_len_i < 16'd20 || fr_rd[127:124] != 4'd4 || fr_rd[123:120] < 4'd5 ||
                     fr_rd[123:120] > 4'd8 || {10'd0, fr_rd[123:120], 2'd0} > be16(fr_rd, 2) ||
                     be16(fr_rd, 2) > fr_len_i || (be16(fr_rd, 6) & 16'h3FFF) != 0;
        fr_state_d = FrHdr2;
      end
      FrHdr2: begin
        fr_sum_d   = esp_kernel_pkg::ones_sum_block(fr_rd,
                         esp_kernel_pkg::mask_first(AB'(fr_ihl_b - 32'd16)), fr_sum_q);
        fr_state_d = fr_bad_q ? FrSlow : (fr_rd_ihl ? FrEsp : FrHold);
      end
      FrHold: if (fr_rd_ihl) fr_state_d = FrEsp;
      FrEsp: begin
        if (fr_esp_ok || fr_udp_ok) begin
          h_valid_d   = 1'b1;
          h_k_d       = fr_k_q;
          h_spi_d     = fr_esp_ok ? be32(fr_rd, 0) : be32(fr_rd, 8);
          h_seq_lo_d  = fr_esp_ok ? be32(fr_rd, 4) : be32(fr_rd, 12);
          h_esp_off_d = fr_esp_ok ? 8'(fr_ihl_b) : 8'(fr_ihl_b + 32'd8);
          h_len_d     = fr_esp_ok ? fr_total_q : 16'(fr_ihl_b + fr_udp_len);
          h_lk_d      = 1'b0;
          h_lkd_d     = 1'b0;
          fr_k_d      = fr_k_q + 7'd1;
          fr_state_d  = FrIdle;
        end else begin
          fr_state_d = FrSlow;
        end
      end
      FrSlow: begin
        if (job_k_i > fr_k_q) begin
          fr_k_d     = fr_k_q + 7'd1;
          fr_state_d = FrIdle;
        end
      end
      default: fr_state_d = FrIdle;
    endcase
    if (!fr_on_i) begin  // between step 1s: the next pass starts at its job 0
      fr_state_d = FrIdle;
      fr_k_d     = '0;
      h_valid_d  = 1'b0;
    end
  end
  // The hand-over's look-up, once the SPI index is free and the back half does not start one.
  assign fr_lookup_o = fr_on_i && h_valid_q && !h_lk_q && fr_lk_ready_i && !lookup_o;
  assign fr_k_o      = fr_k_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      fr_state_q <= FrIdle;
      fr_k_q     <= '0;
      h_valid_q  <= 1'b0;
    end else begin
      fr_state_q <= fr_state_d;
      fr_k_q     <= fr_k_d;
      h_valid_q  <= h_valid_d;
    end
  end
  always_ff @(posedge clk_i) begin
    fr_ihl_q    <= fr_ihl_d;
    fr_total_q  <= fr_total_d;
    fr_sum_q    <= fr_sum_d;
    fr_proto_q  <= fr_proto_d;
    fr_bad_q    <= fr_bad_d;
    h_k_q       <= h_k_d;
    h_spi_q     <= h_spi_d;
    h_seq_lo_q  <= h_seq_lo_d;
    h_esp_off_q <= h_esp_off_d;
    h_len_q     <= h_len_d;
    h_lk_q      <= h_lk_d;
    h_lkd_q     <= h_lkd_d;
    h_found_q   <= h_found_d;
    h_slot_q    <= h_slot_d;
  end

  // The next job's prologue: it only reads the next job's region and sends one request, on
  // clocks this job is still running (so the core sees nx_issued_o settled at this job's end).
  always_comb begin
    nx_state_d = nx_state_q;
    nx_off_d   = nx_off_q;
    nx_len_d   = nx_len_q;
    nx_seq_d   = nx_seq_q;
    nx_salt_d  = nx_salt_q;
    nx_esn_d   = nx_esn_q;
    nx_hdr_d   = nx_hdr_q;
    nx_icv_d   = nx_icv_q;
    // Its slot's done counts once its request is in (before, the slot may name another's).
    nx_tag_d   = nx_tag_q || (nx_state_q == NxIssued && nx_crypt_done_i);
    unique case (nx_state_q)
      NxIdle: begin
        if (nx_start_i) begin
          nx_off_d  = nx_view_i[95:88];
          nx_len_d  = nx_view_i[80:64];
          nx_seq_d  = nx_view_i[63:0];
          nx_salt_d = rec_i[32 * esp_reg_pkg::SaWordSalt +: 32];
          nx_esn_d  = nx_flags[esp_kernel_pkg::FlagEsn];
          nx_tag_d  = 1'b0;
          nx_state_d = (nx_flags[esp_kernel_pkg::FlagTransform +: 4] ==
                        4'(esp_reg_pkg::TransformAesGcm16)) ? NxHdr : NxNo;
        end
      end
      NxHdr: begin
        nx_hdr_d   = nx_buf_rd_data_i;
        nx_state_d = NxIcv;
      end
      NxIcv: begin
        nx_icv_d   = nx_buf_rd_data_i;
        nx_state_d = NxReq;
      end
      NxReq: if (nx_req_o) nx_state_d = NxIssued;
      default: ;
    endcase
    if (start_i) nx_state_d = NxIdle;  // the next job started: resumed, or from the top
  end
  assign nx_req_o    = nx_state_q == NxReq && nx_crypt_ready_i && state_q != Idle;
  assign nx_issued_o = nx_resume;
  assign tag_wait_o  = spec && issued_q && state_q != Idle;
  assign rec_rd_o    = h_take && h_found_now;
  assign rec_slot_o  = h_slot_now;
  always_comb begin
    nx_buf_o = '0;
    if (nx_state_q == NxIdle && nx_start_i) begin  // the ESP header
      nx_buf_o.rd_en   = 1'b1;
      nx_buf_o.rd_addr = AB'(nx_view_i[95:88]);
    end else if (nx_state_q == NxHdr) begin  // the ICV
      nx_buf_o.rd_en   = 1'b1;
      nx_buf_o.rd_addr = AB'({9'd0, nx_off_q} + {1'b0, nx_len_q} - 17'd16);
    end
    // Step 1's front stage (the prologue runs in step 2 only): outer bytes 0..15, 16..31,
    // then the ESP or UDP header at ihl.
    if (fr_state_q == FrIdle && fr_state_d == FrHdr1) begin
      nx_buf_o.rd_en   = 1'b1;
      nx_buf_o.rd_addr = '0;
    end else if (fr_state_q == FrHdr1) begin
      nx_buf_o.rd_en   = 1'b1;
      nx_buf_o.rd_addr = AB'(16);
    end else if (fr_rd_ihl) begin
      nx_buf_o.rd_en   = 1'b1;
      nx_buf_o.rd_addr = AB'(fr_ihl_b);
    end
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) nx_state_q <= NxIdle;
    else nx_state_q <= nx_state_d;
  end
  always_ff @(posedge clk_i) begin
    nx_off_q  <= nx_off_d;
    nx_len_q  <= nx_len_d;
    nx_seq_q  <= nx_seq_d;
    nx_salt_q <= nx_salt_d;
    nx_esn_q  <= nx_esn_d;
    nx_hdr_q  <= nx_hdr_d;
    nx_icv_q  <= nx_icv_d;
    nx_tag_q  <= nx_tag_d;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q   <= Idle;
      done_q    <= 1'b0;
      pending_q <= 1'b0;
    end else begin
      state_q <= state_d;
      done_q <= done_d;
      pending_q <= pending_d;
    end
  end

  always_ff @(posedge clk_i) begin
    fin_q <= fin_d;
    buf_q <= buf_d;
    off_q <= off_d;
    len_in_q <= len_in_d;
    rec_q <= rec_d;
    ev_q <= ev_d;
    issued_q <= issued_d;
    decrypted_q <= decrypted_d;
    cissued_q <= cissued_d;
    cdone_q <= cdone_d;
    mdone_q <= mdone_d;
    bad_q <= bad_d;
    has_sa_q <= has_sa_d;
    sa_q <= sa_d;
    esp_off_q <= esp_off_d;
    esp_len_q <= esp_len_d;
    seq_q <= seq_d;
    res_q <= res_d;
    c0_q <= c0_d;
    c1_q <= c1_d;
    c2_q <= c2_d;
    len_q <= len_d;
    sum_addr_q <= sum_addr_d;
    sum_end_q <= sum_end_d;
    sum_q <= sum_d;
    sum_udp_q <= sum_udp_d;
    spi_q <= spi_d;
    seq_lo_q <= seq_lo_d;
    iv_q <= iv_d;
    icv_q <= icv_d;
    top_q <= top_d;
    word_q <= word_d;
    words_left_q <= words_left_d;
    pad_q <= pad_d;
    nh_q <= nh_d;
    avail_q <= avail_d;
    pad_pos_q <= pad_pos_d;
    inner_ihl_q <= inner_ihl_d;
    inner_total_q <= inner_total_d;
    sp_fail_q <= sp_fail_d;
    sp_code_q <= sp_code_d;
    sp_status_q <= sp_status_d;
    tag_seen_q <= tag_seen_d;
    pre_q <= pre_d;
    nw_q <= nw_d;
  end

  // The SPI look-up starts on the clock the outer checks pass and the SPI is known (the
  // ESP header's, or after a UDP header), not a clock later from spi_q: exactly when
  // SumCheck or UdpEsp goes to Lookup (taken from the state machine's own decision, so a
  // started look-up is always waited for), with the SPI that state takes (spi_d).
  logic lk_early;
  assign lk_early = (state_q == SumCheck || state_q == UdpEsp) && state_d == Lookup;

  // The ESP header (SPI, sequence number, GCM IV): on the read port at EspIv, then in c2.
  logic [127:0] hdr;
  assign hdr = (state_q == EspIv) ? buf_rd_data_i : {spi_q, seq_lo_q, c2_q[63:0]};

  // Requests to the shared engines and memories.
  always_comb begin
    lookup_o = state_q == Lookup && !issued_q || lk_early;
    spi_o    = fr_lookup_o ? h_spi_q : lk_early ? spi_d : spi_q;

    rp_rd_en_o   = (state_q == ReplayRead || state_q == Replay2Read) && !chk_decided ||
                   (state_q == WindowRead && words_left_q != 0) || state_q == SpecWinRead;
    rp_word_o    = (state_q == WindowRead || state_q == WindowWrite || state_q == SpecWinRead ||
                    state_q == Resolve) ? word_q : seq_q[11:7];
    rp_wr_en_o   = state_q == WindowWrite || resolve_wr;
    rp_wr_data_o = (state_q == Resolve) ? nw_q : new_word;

    dma_o       = '0;
    // The loads before each step are the core's loader's; prepare loads the rest of the
    // datagram itself for a UDP checksum.
    dma_o.start = (state_q == LoadRest && !issued_q) ||
                  (state_q == Store || state_q == Account) && store_ok_i;
    dma_o.store = state_q == Store || state_q == Account;
    if (state_q == Store || state_q == Account) begin
      dma_o.gaddr = buf_q + {48'd0, off_q} + {47'd0, payload};
      dma_o.laddr = payload;
      dma_o.len   = AB'(ct_len);
    end else begin  // LoadRest
      dma_o.gaddr = buf_q + {48'd0, off_q} + {47'd0, PrepareBytes};
      dma_o.laddr = PrepareBytes;
      dma_o.len   = {1'b0, len_in_q} - PrepareBytes;
    end

    crypt_o       = '0;
    crypt_o.start = ((state_q == EspIv || state_q == IcvHave || state_q == Auth) && gcm &&
                     !issued_q ||
                     state_q == Auth && !gcm && issued_q && !cissued_q) && crypt_ready_i;
    crypt_o.mode  = gcm ? esp_kernel_pkg::CryptGcmDec : esp_kernel_pkg::CryptCbcDec;
    // GCM J0 = salt || IV || 1 (RFC 4106 4); AAD = SPI || [seq_hi ||] seq_lo (RFC 4106 5).
    crypt_o.iv    = gcm ? esp_kernel_pkg::gcm_j0(rec_q[32 * esp_reg_pkg::SaWordSalt +: 32], hdr[63:0]) : iv_q;
    crypt_o.aad12 = esn;
    crypt_o.aad   = esp_kernel_pkg::esp_aad(esn, hdr[127:96], {seq_q[63:32], hdr[95:64]});
    crypt_o.addr  = payload;
    crypt_o.len   = AB'(ct_len);
    if (nx_req_o) begin  // the next job's request (this job's went out long ago)
      crypt_o.start = 1'b1;
      crypt_o.mode  = esp_kernel_pkg::CryptGcmDec;
      crypt_o.iv    = esp_kernel_pkg::gcm_j0(nx_salt_q, nx_hdr_q[63:0]);
      crypt_o.aad12 = nx_esn_q;
      crypt_o.aad   = esp_kernel_pkg::esp_aad(nx_esn_q, nx_hdr_q[127:96], {nx_seq_q[63:32], nx_hdr_q[95:64]});
      crypt_o.addr  = nx_payload;
      crypt_o.len   = nx_ct;
    end

    hmac_o        = '0;
    hmac_o.start  = state_q == Auth && !gcm && !issued_q;
    hmac_o.sha1   = sha1;
    hmac_o.addr   = AB'(esp_off_q);
    hmac_o.len    = AB'(32'd8 + iv_len + ct_len);
    hmac_o.esn    = esn;
    hmac_o.seq_hi = seq_q[63:32];

    buf_o = '0;
    unique case (state_q)
      Idle: begin  // the first read on the start clock (the ESP header, or outer bytes 0..15)
        // Resumed: it has them; a step-1 prepare reads from Load if at all.
        buf_o.rd_en   = start_i && !(finalize_i && nx_resume) && (finalize_i || !fr_on_i);
        buf_o.rd_addr = finalize_i ? AB'(view_i[95:88]) : '0;
      end
      Ip0: begin
        buf_o.rd_en = 1'b1;
      end
      Ip1: begin
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = 17'd16;
      end
      Ip2: begin
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = AB'(ihl);
      end
      SumRead: begin
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = sum_addr_q;
      end
      EspRead: begin
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = AB'(esp_off_q);
      end
      EspIv: begin  // GCM: the ICV; CBC: the IV
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = gcm ? AB'(esp_off_q + esp_len_q - icv_len) : AB'(esp_off_q + 32'd8);
      end
      IcvRead: begin
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = AB'(esp_off_q + esp_len_q - icv_len);
      end
      TrailerRead, PtWait: begin
        buf_o.rd_en   = state_q == TrailerRead || pt_done;
        buf_o.rd_addr = payload + AB'(ct_len) - 17'd16;
      end
      TrailerHave: begin  // InnerRead0's read, used when the padding was checked here
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = payload;
      end
      PadRead: begin
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = payload + AB'(avail_q + pad_pos_q);
      end
      InnerRead0: begin
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = payload;
      end
      InnerRead1: begin
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = payload + 17'd16;
      end
      InnerRead2: begin
        buf_o.rd_en   = 1'b1;
        buf_o.rd_addr = payload + AB'({26'd0, c0_q[123:120], 2'd0});
      end
      default: ;
    endcase
  end

  logic unused_in;
  assign unused_in = ^{view_i[87:81], sel_pp[31:8], pseudo_f1[31:17], nx_view_i[111:96],
                       nx_view_i[87:81]};

  assign view_o    = {sa_q, esp_off_q[7:0], 7'd0, esp_len_q[16:0], seq_q};
  assign pending_o = pending_q;
  assign result_o  = res_q;
  assign ev_o      = ev_q;
  assign rec_o     = rec_q;

  assign done_o = done_q;

endmodule
