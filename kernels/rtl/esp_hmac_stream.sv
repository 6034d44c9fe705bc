// esp_hmac_stream: the HMAC-SHA256-128 (RFC 4868) or HMAC-SHA1-96 (RFC 2404) ICV of a byte
// range of the local packet buffer, with the ESN high half appended when the SA uses ESN
// (RFC 4303 2.2.1): reads 64-byte blocks (four 16-byte buffer reads) into esp_hmac with
// SHA-256 or with SHA-1, which start from the SA's precomputed inner and outer states.
// The stream may start before its message is all in the buffer (outbound CBC: the MAC runs
// under the encryption): avail_i bounds the reads to the bytes already final, and a read
// goes out only on a clock the buffer port grants it (rd_gnt_i; the cipher reads first).
// EnableCbc = 0 (the GCM-only kernel) has no engines: the stream never leaves Idle, done_o
// never rises and the outputs are zero (esp_core starts no HMAC job there).
module esp_hmac_stream #(
  parameter bit EnableCbc = 1'b1
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  esp_kernel_pkg::hmac_req_t  req_i,
  input  logic [255:0]               inner_i,
  input  logic [255:0]               outer_i,
  output logic                       busy_o,
  output logic                       done_o,    // one clock
  output logic [127:0]               icv_o,     // the truncated MAC (SHA-1: 96 bits, then zero)
  input  logic [31:0]                avail_i,   // message bytes final (>= len: all)
  input  logic                       rd_gnt_i,  // buf_o's read is taken this clock
  output logic [31:0]                rd_bytes_o,  // message bytes read so far (while busy)
  output esp_kernel_pkg::buf_req_t   buf_o,
  input  logic [127:0]               buf_rd_data_i
);
  localparam int unsigned AB = esp_kernel_pkg::BufAddrBits;

  typedef enum logic [2:0] {
    Idle,
    Read,
    Offer,
    WaitMac
  } state_e;
  state_e state_q;
  state_e state_d;
  logic done_q;
  logic done_d;

  logic [AB-1:0] addr_q, len_q;

  logic [AB-1:0] len_d;

  logic [AB-1:0] addr_d;
  logic [31:0]   msg_len_q, seq_hi_q;
  logic [31:0] msg_len_d;
  logic [31:0] seq_hi_d;
  logic          esn_q, sha1_q;
  logic sha1_d;
  logic esn_d;
  logic [31:0]   pos_q;
  logic [31:0] pos_d;       // message offset of the block being assembled
  logic [2:0]    chunk_q;
  logic [2:0] chunk_d;     // buffer reads issued for it (0..4)
  logic          capture_q;
  logic capture_d;   // a read returns this clock
  logic [1:0]    cap_idx_q;
  logic [1:0] cap_idx_d;
  logic [511:0]  blk_q;
  logic [511:0] blk_d;

  logic         mac_start, block_ready, mac_valid;
  logic [511:0] block;
  logic [255:0] mac;
  logic         s256_ready, s256_valid, s256_busy, s1_ready, s1_valid, s1_busy;
  logic [159:0] mac1;
  logic [31:0]  msg_len;
  assign msg_len = {15'd0, req_i.len} + (req_i.esn ? 32'd4 : 32'd0);
  if (EnableCbc) begin : g_engines
    esp_hmac #(.DigestBits(256)) u_hmac (
      .clk_i,
      .rst_ni,
      .start_i      (mac_start && !req_i.sha1),
      .inner_state_i(inner_i),
      .outer_state_i(outer_i),
      .msg_len_i    (msg_len),
      .block_valid_i(state_q == Offer && !sha1_q),
      .block_ready_o(s256_ready),
      .block_i      (block),
      .busy_o       (s256_busy),
      .mac_valid_o  (s256_valid),
      .mac_o        (mac)
    );
    // SHA-1 states are the first five words of the record's state fields.
    esp_hmac #(.DigestBits(160)) u_hmac_sha1 (
      .clk_i,
      .rst_ni,
      .start_i      (mac_start && req_i.sha1),
      .inner_state_i(inner_i[255:96]),
      .outer_state_i(outer_i[255:96]),
      .msg_len_i    (msg_len),
      .block_valid_i(state_q == Offer && sha1_q),
      .block_ready_o(s1_ready),
      .block_i      (block),
      .busy_o       (s1_busy),
      .mac_valid_o  (s1_valid),
      .mac_o        (mac1)
    );
  end else begin : g_no_engines
    assign s256_ready = 1'b0;
    assign s256_valid = 1'b0;
    assign s256_busy  = 1'b0;
    assign mac        = '0;
    assign s1_ready   = 1'b0;
    assign s1_valid   = 1'b0;
    assign s1_busy    = 1'b0;
    assign mac1       = '0;
    logic unused_engines;
    assign unused_engines = ^{inner_i, outer_i, msg_len, block, mac_start};
  end
  assign mac_start   = state_q == Idle && req_i.start;
  assign block_ready = sha1_q ? s1_ready : s256_ready;
  assign mac_valid   = sha1_q ? s1_valid : s256_valid;

  // The ESN high half occupies message bytes len..len+3, so this block's bytes
  // len - pos .. len - pos + 3 (the four may straddle two blocks). One subtraction per block
  // places it; each byte then compares its constant index with a 7-bit offset. (Computing
  // every byte's 32-bit message position and comparing it with len and len + 4, 64 adders
  // and 128 comparators, was most of this module's logic.)
  logic [32:0] esn_rel;   // len + 3 - pos, two's complement
  logic        esn_here;  // a byte of the ESN high half lies in this block
  logic [6:0]  esn_last;  // the block byte holding its last byte (0..66; > 63: past the block)
  logic [31:0] seq_rot;   // seq_hi rotated so that block byte j takes seq_rot byte j mod 4
  assign esn_rel  = {16'd0, len_q} + 33'd3 - {1'b0, pos_q};
  assign esn_here = esn_q && !esn_rel[32] && esn_rel[31:0] <= 32'd66;
  assign esn_last = esn_rel[6:0];

  always_comb begin
    for (int unsigned r = 0; r < 4; r++) begin
      logic [1:0] k;  // the ESN byte that lands on block bytes j = r mod 4
      k = 2'(r) + 2'd3 - esn_rel[1:0];
      seq_rot[31 - 8 * r -: 8] = seq_hi_q[31 - 8 * k -: 8];
    end
  end

  always_comb begin
    block = blk_q;
    for (int unsigned j = 0; j < 64; j++) begin
      if (esn_here && esn_last >= 7'(j) && esn_last <= 7'(j + 3)) begin
        block[511 - 8 * j -: 8] = seq_rot[31 - 8 * (j % 4) -: 8];
      end
    end
  end

  // The next 16-byte read covers message bytes rd_end - 16 .. rd_end - 1; it waits until
  // they are final (or the whole message is: the last read may run past its end).
  logic [31:0] rd_end;
  logic        rd_want, rd_go;
  assign rd_end  = pos_q + {26'd0, chunk_q[1:0], 4'd0} + 32'd16;
  assign rd_want = state_q == Read && chunk_q != 3'd4 &&
                   (rd_end <= avail_i || {15'd0, len_q} <= avail_i);
  assign rd_go   = rd_want && rd_gnt_i;

  always_comb begin
    done_d = done_q;
    capture_d = capture_q;
    cap_idx_d = cap_idx_q;
    blk_d = blk_q;
    addr_d = addr_q;
    len_d = len_q;
    esn_d = esn_q;
    sha1_d = sha1_q;
    seq_hi_d = seq_hi_q;
    msg_len_d = msg_len_q;
    pos_d = pos_q;
    chunk_d = chunk_q;
    state_d = state_q;

    done_d = 1'b0;
    capture_d = rd_go;
    cap_idx_d = chunk_q[1:0];
    // One write enable per quarter: a part-select at a variable offset would synthesize to
    // a 512-bit shifter for the data and another for the mask.
    for (int unsigned c = 0; c < 4; c++) begin
      if (capture_q && cap_idx_q == 2'(c)) blk_d[511 - 128 * c -: 128] = buf_rd_data_i;
    end
    unique case (state_q)
      Idle: begin
        if (req_i.start && EnableCbc) begin
          addr_d = req_i.addr;
          len_d = req_i.len;
          esn_d = req_i.esn;
          sha1_d = req_i.sha1;
          seq_hi_d = req_i.seq_hi;
          msg_len_d = {15'd0, req_i.len} + (req_i.esn ? 32'd4 : 32'd0);
          pos_d = '0;
          chunk_d = '0;
          state_d = Read;
        end
      end
      Read: begin
        if (rd_go) chunk_d = chunk_q + 3'd1;
        else if (chunk_q == 3'd4 && !capture_q) state_d = Offer;
      end
      Offer: begin
        if (block_ready) begin
          pos_d = pos_q + 32'd64;
          chunk_d = '0;
          state_d = (pos_q + 32'd64 >= msg_len_q) ? WaitMac : Read;
        end
      end
      WaitMac: begin
        if (mac_valid) begin
          done_d = 1'b1;
          state_d = Idle;
        end
      end
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q   <= Idle;
      done_q    <= 1'b0;
      capture_q <= 1'b0;
    end else begin
      state_q <= state_d;
      done_q <= done_d;
      capture_q <= capture_d;
    end
  end

  always_ff @(posedge clk_i) begin
    cap_idx_q <= cap_idx_d;
    blk_q <= blk_d;
    addr_q <= addr_d;
    len_q <= len_d;
    esn_q <= esn_d;
    sha1_q <= sha1_d;
    seq_hi_q <= seq_hi_d;
    msg_len_q <= msg_len_d;
    pos_q <= pos_d;
    chunk_q <= chunk_d;
  end

  always_comb begin
    buf_o         = '0;
    buf_o.rd_en   = rd_want;  // a request: taken on rd_gnt_i
    buf_o.rd_addr = addr_q + AB'(pos_q) + {11'd0, chunk_q[1:0], 4'd0};
  end

  assign busy_o = state_q != Idle;
  // The reads go in message order: every byte below this has been read (an inbound CBC
  // decryption may overwrite it in place).
  assign rd_bytes_o = pos_q + {25'd0, chunk_q, 4'd0};
  // RFC 4868: the first 128 bits; RFC 2404: the first 96.
  assign icv_o  = sha1_q ? {mac1[159:64], 32'd0} : mac[255:128];
  logic unused_mac;
  assign unused_mac = ^{mac[127:0], mac1[63:0], s256_busy, s1_busy};

  assign done_o = done_q;

endmodule
