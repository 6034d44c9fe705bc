// esp_outbound: ESP tunnel-mode encapsulation of one job (RFC 4303, RFC 4106 GCM, RFC 3602
// CBC + RFC 4868 HMAC-SHA256-128, RFC 3948 UDP with checksum 0), byte for byte as
// hls/esp_outbound.cpp, with its order of checks (docs/hardware.md). The core's loader has
// put the packet at PktOff of the job's buffer region (load_ready_i); the window starts
// `head` bytes before it, so headers are written in front of it:
//   outer IPv4 [UDP] | SPI | seq | IV | inner packet | padding 1,2,3.. | pad len | 4 | ICV
// A job ends once its cipher request is in and its outer headers are written: GCM's ICV is
// written by esp_crypt, CBC's by esp_core from the region's HMAC lane (started here, under
// the encryption), and the store, handed over with the request, trails either.
module esp_outbound (
  input  logic                              clk_i,
  input  logic                              rst_ni,
  input  logic                              start_i,
  input  logic [63:0]                       buf_addr_i,
  input  logic [15:0]                       offset_i,
  input  logic [15:0]                       length_i,
  input  logic [15:0]                       capacity_i,
  input  logic [15:0]                       sa_index_i,
  input  esp_kernel_pkg::rec_t              rec_i,      // the job's SA, valid at start
  input  logic                              load_ready_i,  // the packet is at PktOff
  input  logic                              buf_wr_ok_i,   // buf_o's write is taken this clock
  output logic                              done_o,
  output esp_kernel_pkg::result_t           result_o,
  output esp_kernel_pkg::ev_t               ev_o,
  output esp_kernel_pkg::rec_t              rec_o,      // the SA after the job
  output esp_kernel_pkg::dma_req_t          dma_o,
  output logic [31:0]                       dma_avail_o,  // store: bytes ready (see esp_dma_wr)
  input  logic [31:0]                       crypt_written_i,  // esp_crypt gcm_written_o
  output esp_kernel_pkg::crypt_req_t        crypt_o,
  input  logic                              crypt_ready_i,  // esp_crypt takes an ECB block (the IV)
  input  logic                              crypt_cbc_ready_i,  // esp_crypt takes a CBC encryption
  input  logic                              crypt_gcm_ready_i,  // takes an outbound GCM request
  input  logic                              crypt_done_i,
  input  logic [127:0]                      crypt_result_i,
  output esp_kernel_pkg::hmac_req_t         hmac_o,
  output esp_kernel_pkg::buf_req_t          buf_o,
  input  logic [127:0]                      buf_rd_data_i
);
  localparam int unsigned AB = esp_kernel_pkg::BufAddrBits;

  typedef enum logic [3:0] {
    Idle,
    Load,
    HdrCheck,
    Trailer,
    IvWait,
    Cipher,
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
  logic [63:0]  buf_q;
  logic [63:0] buf_d;
  logic [31:0]  off_q, len_q, cap_q;
  logic [31:0] cap_d;
  logic [31:0] len_d;
  logic [31:0] off_d;
  logic [31:0]  pad_q, ct_q, total_q;
  logic [31:0] total_d;
  logic [31:0] ct_d;
  logic [31:0] pad_d;
  logic [63:0]  seq_q;
  logic [63:0] seq_d;
  logic [127:0] iv_q;
  logic [127:0] iv_d;
  logic [2:0]   hw_q, hw_d;      // outer header pieces (16 bytes) written, during Cipher
  logic [7:0]   tos_q;
  logic [7:0] tos_d;
  logic         df_q;
  logic df_d;
  logic         issued_q;
  logic issued_d;

  // SA fields.
  logic [31:0] flags;
  logic        gcm, sha1, udp, esn;
  logic [31:0] head, iv_len, align, icv_len;
  assign flags  = rec_q[32 * esp_reg_pkg::SaWordFlags +: 32];
  assign gcm    = flags[esp_kernel_pkg::FlagTransform +: 4] == 4'(esp_reg_pkg::TransformAesGcm16);
  assign sha1   = flags[esp_kernel_pkg::FlagTransform +: 4] == 4'(esp_reg_pkg::TransformAesCbcHmacSha1);
  assign icv_len = sha1 ? 32'd12 : 32'd16;
  assign udp    = flags[esp_kernel_pkg::FlagUdp];
  assign esn    = flags[esp_kernel_pkg::FlagEsn];
  assign iv_len = gcm ? 32'd8 : 32'd16;
  assign align  = gcm ? 32'd4 : 32'd16;
  assign head   = 32'd20 + (udp ? 32'd8 : 32'd0) + 32'd8 + iv_len;

  // The inner header (first 16 bytes of the packet).
  logic [7:0]  b0;
  logic [31:0] ihl, inner_total;
  assign b0          = esp_kernel_pkg::byte_at(buf_rd_data_i, 4'd0);
  assign ihl         = {26'd0, b0[3:0], 2'd0};
  assign inner_total = {16'd0, esp_kernel_pkg::byte_at(buf_rd_data_i, 4'd2),
                        esp_kernel_pkg::byte_at(buf_rd_data_i, 4'd3)};

  logic [31:0] pad, ct_len, total;
  assign pad    = (align - ((len_q + 32'd2) & (align - 32'd1))) & (align - 32'd1);
  // The same from the start inputs, so the trailer's first piece can go out at HdrCheck.
  logic [31:0] align_in, pad_in;
  assign align_in = rec_i[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagTransform +: 4] ==
                    4'(esp_reg_pkg::TransformAesGcm16) ? 32'd4 : 32'd16;
  assign pad_in   = (align_in - (({16'd0, length_i} + 32'd2) & (align_in - 32'd1))) &
                    (align_in - 32'd1);
  assign ct_len = len_q + pad + 32'd2;
  assign total  = head + ct_len + icv_len;

  logic [63:0] last_seq;
  assign last_seq = {rec_q[32 * esp_reg_pkg::SaWordSeqHi +: 32], rec_q[32 * esp_reg_pkg::SaWordSeqLo +: 32]};
  esp_kernel_pkg::account_t acct;
  assign acct = esp_kernel_pkg::account(rec_q, len_q);

  // Outer IPv4 header (RFC 4301 5.1.2.1: TOS copied, DF by policy), checksum over it.
  logic [1:0]   df_policy;
  logic         set_df;
  logic [159:0] ip_nocsum, ip_hdr;
  logic [15:0]  ip_sum;
  assign df_policy = flags[esp_kernel_pkg::FlagDf +: 2];
  assign set_df    = df_policy == 2'(esp_reg_pkg::DfPolicySet) || (df_policy == 2'(esp_reg_pkg::DfPolicyCopy) && df_q);
  assign ip_nocsum = {8'h45, tos_q, total_q[15:0], seq_q[15:0], (set_df ? 8'h40 : 8'h00), 8'h00,
                      flags[esp_kernel_pkg::FlagTtl +: 8], (udp ? 8'd17 : 8'd50), 16'h0000,
                      rec_q[32 * esp_reg_pkg::SaWordTunnelSrc +: 32], rec_q[32 * esp_reg_pkg::SaWordTunnelDst +: 32]};
  assign ip_sum    = ~esp_kernel_pkg::ones_sum_block(ip_nocsum[159:32], 16'hFFFF,
                         esp_kernel_pkg::ones_sum_block({ip_nocsum[31:0], 96'd0}, 16'hF000, 16'd0));
  assign ip_hdr    = {ip_nocsum[159:80], ip_sum, ip_nocsum[63:0]};
  logic [63:0]  udp_hdr, esp_hdr;
  logic [127:0] iv_field;
  assign udp_hdr  = {rec_q[32 * esp_reg_pkg::SaWordUdpPorts +: 32], total_q[15:0] - 16'd20, 16'h0000};
  assign esp_hdr  = {rec_q[32 * esp_reg_pkg::SaWordSpi +: 32], seq_q[31:0]};
  assign iv_field = gcm ? {seq_q, 64'd0} : iv_q;

  // Trailer: padding 1, 2, 3, ... (RFC 4303 2.4), pad length, next header 4.
  logic [255:0] trailer;
  always_comb begin
    trailer = '0;
    for (int unsigned i = 0; i < 18; i++) begin
      if (i < pad_q) trailer[255 - 8 * i -: 8] = 8'(i + 1);
      else if (i == pad_q) trailer[255 - 8 * i -: 8] = pad_q[7:0];
      else if (i == pad_q + 1) trailer[255 - 8 * i -: 8] = 8'd4;
    end
  end

  function automatic esp_kernel_pkg::result_t drop_result(logic [7:0] status, logic [15:0] sa,
                                                          logic [15:0] off, logic [15:0] len);
    drop_result = {status, sa, off, len, 64'd0, 1'b0};  // result_t: no sequence number
  endfunction

  always_comb begin
    done_d = done_q;
    rec_d = rec_q;
    buf_d = buf_q;
    off_d = off_q;
    len_d = len_q;
    cap_d = cap_q;
    ev_d = ev_q;
    issued_d = issued_q;
    res_d = res_q;
    state_d = state_q;
    pad_d = pad_q;
    ct_d = ct_q;
    total_d = total_q;
    seq_d = seq_q;
    tos_d = tos_q;
    df_d = df_q;
    iv_d = iv_q;
    hw_d = hw_q;

    done_d = 1'b0;
    unique case (state_q)
      Idle: begin
        if (start_i) begin
          rec_d = rec_i;
          buf_d = buf_addr_i;
          off_d = {16'd0, offset_i};
          len_d = {16'd0, length_i};
          cap_d = {16'd0, capacity_i};
          ev_d = '0;
          issued_d = 1'b0;
          res_d = drop_result(8'(esp_reg_pkg::StatusOk), sa_index_i, offset_i, length_i);
          pad_d = pad_in;
          if (!rec_i[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagValid] ||
              rec_i[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagInbound]) begin
            res_d.status = 8'(esp_reg_pkg::StatusBadSa);
            state_d = Finish;
          end else if (rec_i[32 * esp_reg_pkg::SaWordSaState + esp_kernel_pkg::StateHardExpired]) begin
            res_d.status = 8'(esp_reg_pkg::StatusLifetimeExpired);
            rec_d = esp_kernel_pkg::count(rec_i, esp_reg_pkg::CounterOtherDrops, 64'd1);
            state_d = Finish;
          end else if (!esp_kernel_pkg::job_loaded(1'b0, 1'b0, 1'b0, offset_i, length_i,
                                                   capacity_i)) begin
            res_d.status = 8'(esp_reg_pkg::StatusMalformed);
            rec_d = esp_kernel_pkg::count(rec_i, esp_reg_pkg::CounterOtherDrops, 64'd1);
            state_d = Finish;
          end else begin
            state_d = load_ready_i ? HdrCheck : Load;  // first bytes read on this clock
          end
        end
      end
      // The core's loader brought the packet in; its first 16 bytes are read on that clock.
      Load: if (load_ready_i) state_d = HdrCheck;
      HdrCheck: begin
        pad_d = pad;
        ct_d = ct_len;
        total_d = total;
        seq_d = last_seq + 64'd1;
        tos_d = esp_kernel_pkg::byte_at(buf_rd_data_i, 4'd1);
        df_d = buf_rd_data_i[127 - 8 * 6 - 1];
        hw_d = '0;
        issued_d = 1'b0;
        state_d = Finish;
        if (b0[7:4] != 4'd4 || ihl < 32'd20 || ihl > len_q || inner_total != len_q) begin
          res_d.status = 8'(esp_reg_pkg::StatusMalformed);
          rec_d = esp_kernel_pkg::count(rec_q, esp_reg_pkg::CounterOtherDrops, 64'd1);
        end else if (off_q < head || off_q + ct_len + icv_len > cap_q || total > 32'hFFFF) begin
          res_d.status = 8'(esp_reg_pkg::StatusTooBig);
          rec_d = esp_kernel_pkg::count(rec_q, esp_reg_pkg::CounterOtherDrops, 64'd1);
        end else if ((!esn && last_seq >= 64'hFFFF_FFFF) || (esn && last_seq == '1)) begin
          // RFC 4303 3.3.3: the sequence number never wraps.
          res_d.status = 8'(esp_reg_pkg::StatusSeqOverflow);
          rec_d = esp_kernel_pkg::count(rec_q, esp_reg_pkg::CounterOtherDrops, 64'd1);
          if (!rec_q[32 * esp_reg_pkg::SaWordSaState + esp_kernel_pkg::StateSeqExhausted]) begin
            rec_d[32 * esp_reg_pkg::SaWordSaState + esp_kernel_pkg::StateSeqExhausted] = 1'b1;
            ev_d.seq_ovf = 1'b1;
          end
        end else if (!acct.ok) begin
          res_d.status = 8'(esp_reg_pkg::StatusLifetimeExpired);
          rec_d = esp_kernel_pkg::count(acct.rec, esp_reg_pkg::CounterOtherDrops, 64'd1);
          ev_d = acct.ev;
        end else begin
          rec_d = acct.rec;
          rec_d[32 * esp_reg_pkg::SaWordSeqLo +: 32] = last_seq[31:0] + 32'd1;
          rec_d[32 * esp_reg_pkg::SaWordSeqHi +: 32] = 32'((last_seq + 64'd1) >> 32);
          ev_d = acct.ev;
          // The trailer's first 16 bytes went out on this clock; a second piece only when
          // padding, pad length and next header pass them (CBC with 15 bytes of padding).
          if (pad_q + 32'd2 > 32'd16) state_d = Trailer;
          else state_d = gcm ? Cipher : IvWait;
        end
      end
      Trailer: state_d = gcm ? Cipher : IvWait;  // the trailer's second piece
      // Earlier jobs' ciphers may still be running in esp_crypt (a GCM tag, CBC chains): the
      // IV's ECB block goes in once esp_crypt takes it (beside running chains), the CBC
      // encryption once a chain is free, and only the ECB block's own done counts.
      IvWait: begin  // CBC IV = AES_K(0^64 || seq)
        issued_d = issued_q || crypt_ready_i;
        if (issued_q && crypt_done_i) begin
          iv_d = crypt_result_i;
          issued_d = 1'b0;
          state_d = Cipher;
        end
      end
      // The cipher runs; the outer headers go in front of the packet meanwhile, on the
      // clocks the cipher does not write (it writes nothing for its first 15 or more).
      // The job ends once its request is in and the outer headers are written: esp_crypt
      // took the round keys (GCM: H and H^2 too) with the request, and the store, handed
      // over on the request's clock, trails the cipher (esp_core keeps the region until its
      // last beat), so the next job's framing runs under this job's blocks. GCM writes its
      // ICV in esp_crypt. CBC starts its MAC on its region's lane on the last clock (the
      // ESP header and IV are in; the lane reads the ciphertext behind the encryption) and
      // esp_core writes the lane's ICV behind the ciphertext when the MAC is done.
      Cipher: begin
        issued_d = issued_q || (gcm ? crypt_gcm_ready_i : crypt_cbc_ready_i);
        if (!hdr_done && buf_wr_ok_i) hw_d = hw_q + 3'd1;
        if (issued_q && hdr_done) begin
          issued_d = 1'b0;
          res_d.offset = 16'(off_q - head);
          res_d.length = total_q[15:0];
          res_d.seq = seq_q;
          res_d.seq_valid = 1'b1;
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

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= Idle;
      done_q  <= 1'b0;
    end else begin
      state_q <= state_d;
      done_q <= done_d;
    end
  end

  always_ff @(posedge clk_i) begin
    rec_q <= rec_d;
    buf_q <= buf_d;
    off_q <= off_d;
    len_q <= len_d;
    cap_q <= cap_d;
    ev_q <= ev_d;
    issued_q <= issued_d;
    res_q <= res_d;
    pad_q <= pad_d;
    ct_q <= ct_d;
    total_q <= total_d;
    seq_q <= seq_d;
    tos_q <= tos_d;
    df_q <= df_d;
    iv_q <= iv_d;
    hw_q <= hw_d;
  end

  // The outer headers (from registers that hold through Cipher); piece hw_q goes next.
  logic [415:0] hdr;
  logic [511:0] hdr_padded;
  logic [127:0] hdr_chunk;
  logic         hdr_done;
  assign hdr        = udp ? {ip_hdr, udp_hdr, esp_hdr, iv_field} : {ip_hdr, esp_hdr, iv_field, 64'd0};
  assign hdr_padded = {hdr, 96'd0};
  assign hdr_chunk  = hdr_padded[511 - 128 * hw_q[1:0] -: 128];
  assign hdr_done   = {25'd0, hw_q, 4'd0} >= head;

  // Requests to the shared engines.
  logic [AB-1:0] head_l, esp_off_l, pkt_l, win_l;
  assign head_l    = AB'(head);
  assign esp_off_l = AB'(udp ? 32'd28 : 32'd20);
  assign pkt_l     = esp_kernel_pkg::PktOff;  // the inner packet
  assign win_l     = pkt_l - head_l;          // the ESP packet's first byte
  always_comb begin
    dma_o       = '0;
    // The store starts with the cipher (same clock) and trails it. GCM: headers at once,
    // ciphertext as it is written, the ICV once esp_crypt wrote it. CBC: nothing while the
    // framer runs; esp_core holds it until its lane's ICV is written.
    dma_o.start = state_q == Cipher && !issued_q && (gcm ? crypt_gcm_ready_i : crypt_cbc_ready_i);
    dma_o.store = 1'b1;  // the load is the core's loader's
    dma_o.gaddr = buf_q + {32'd0, off_q} - {32'd0, head};
    dma_o.laddr = win_l;
    dma_o.len   = AB'(total_q);
    dma_avail_o = '1;
    // crypt_written_i counts from the window's start (base = head) once the cipher is ours.
    if (state_q == Cipher)
      dma_avail_o = (gcm && hdr_done) ? (issued_q ? crypt_written_i : head) : 32'd0;

    crypt_o       = '0;
    crypt_o.aad12 = esn;
    crypt_o.aad   = esp_kernel_pkg::esp_aad(esn, rec_q[32 * esp_reg_pkg::SaWordSpi +: 32], seq_q);
    crypt_o.addr  = pkt_l;
    crypt_o.len   = AB'(ct_q);
    if (state_q == IvWait) begin
      crypt_o.start = !issued_q && crypt_ready_i;
      crypt_o.mode  = esp_kernel_pkg::CryptEcb;
      crypt_o.iv    = {64'd0, seq_q};
    end else begin
      crypt_o.start = state_q == Cipher && !issued_q && (gcm ? crypt_gcm_ready_i : crypt_cbc_ready_i);
      crypt_o.mode  = gcm ? esp_kernel_pkg::CryptGcmEnc : esp_kernel_pkg::CryptCbcEnc;
      crypt_o.icv_wr = gcm;
      crypt_o.base  = head_l;
      // GCM J0 = salt || IV || 1 (RFC 4106 4), the IV being the sequence number.
      crypt_o.iv    = gcm ? esp_kernel_pkg::gcm_j0(rec_q[32 * esp_reg_pkg::SaWordSalt +: 32], seq_q) : iv_q;
    end

    hmac_o        = '0;
    hmac_o.start  = !gcm && state_q == Cipher && issued_q && hdr_done;
    hmac_o.sha1   = sha1;
    hmac_o.addr   = win_l + esp_off_l;
    hmac_o.len    = AB'(32'd8 + iv_len + ct_q);
    hmac_o.esn    = esn;
    hmac_o.seq_hi = seq_q[63:32];

    buf_o = '0;
    unique case (state_q)
      Idle, Load: begin
        buf_o.rd_en   = (state_q == Load || start_i) && load_ready_i;
        buf_o.rd_addr = pkt_l;
      end
      // The trailer behind the packet (written even if HdrCheck drops the job: the bytes
      // lie past the packet in the job's own region).
      HdrCheck: begin
        buf_o.wr_en   = 1'b1;
        buf_o.wr_addr = pkt_l + AB'(len_q);
        buf_o.wr_data = trailer[255:128];
        buf_o.wr_mask = esp_kernel_pkg::mask_first(AB'(pad_q + 32'd2));
      end
      Trailer: begin
        buf_o.wr_en   = 1'b1;
        buf_o.wr_addr = pkt_l + AB'(len_q) + AB'(16);
        buf_o.wr_data = trailer[127:0];
        buf_o.wr_mask = esp_kernel_pkg::mask_first(AB'(pad_q + 32'd2) - AB'(16));
      end
      Cipher: begin
        buf_o.wr_en   = !hdr_done;
        buf_o.wr_addr = win_l + {10'd0, hw_q, 4'd0};
        buf_o.wr_data = hdr_chunk;
        buf_o.wr_mask = esp_kernel_pkg::mask_first(head_l - {10'd0, hw_q, 4'd0});
      end
      default: ;
    endcase
  end

  logic unused_total;
  assign unused_total = ^total_q[31:16];  // total is checked to fit 16 bits

  assign result_o = res_q;
  assign ev_o     = ev_q;
  assign rec_o    = rec_q;

  assign done_o = done_q;

endmodule
