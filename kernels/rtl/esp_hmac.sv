// esp_hmac: HMAC (RFC 2104, FIPS 198-1) of one message with SHA-256 (DigestBits = 256: ESP's
// HMAC-SHA256-128, RFC 4868) or SHA-1 (DigestBits = 160: HMAC-SHA1-96, RFC 2404), starting
// from the inner and outer states the SA install computed (H(K0 ^ ipad) and H(K0 ^ opad)
// after one compression each), so a packet costs ceil((len + 9) / 64) + 1 compressions, two
// fewer than plain HMAC. Each next block starts on the clock the core returns the previous
// one (done_o, when the block is there), so blocks run back to back at the core's rate (65 /
// 81 clocks for SHA-256 / SHA-1), the outer block likewise. The padding (FIPS 180-4 5.1.1, the same for both hashes) is added
// here; the message arrives as 64-byte blocks with a valid/ready handshake, the last one
// partial. Only the compression core (esp_sha256 / esp_sha1) depends on the hash.
module esp_hmac #(
  parameter int unsigned DigestBits = 256   // 256: SHA-256, 160: SHA-1
) (
  input  logic         clk_i,
  input  logic         rst_ni,

  // Request, accepted when start_i && !busy_o
  input  logic         start_i,
  input  logic [DigestBits-1:0] inner_state_i,
  input  logic [DigestBits-1:0] outer_state_i,
  input  logic [31:0]  msg_len_i,      // bytes

  // Message blocks; bytes past the message end in the last block are ignored
  input  logic         block_valid_i,
  output logic         block_ready_o,
  input  logic [511:0] block_i,        // message byte 0 of the block in [511:504]

  output logic         busy_o,
  output logic         mac_valid_o,    // one clock; mac_o holds until the next request
  output logic [DigestBits-1:0] mac_o  // ESP's ICV: the top 128 (SHA-256) or 96 (SHA-1) bits
);

  typedef enum logic [2:0] {
    Idle,
    Absorb,       // next inner block: from the input, or padding only
    InnerRun,
    OuterRun,
    Error
  } state_e;

  state_e        fsm_d, fsm_q;
  logic [31:0]   left_d, left_q;         // message bytes not yet absorbed
  logic          marked_d, marked_q;     // the 0x80 end marker has been placed
  logic          finished_d, finished_q; // the length block has been absorbed
  logic [63:0]   bit_len_d, bit_len_q;   // (64 + len) * 8: the key block counts
  logic [DigestBits-1:0] outer_d, outer_q;
  logic [DigestBits-1:0] chain_d, chain_q;
  logic [DigestBits-1:0] mac_d, mac_q;

  // ---------------------------------------------------------------------------------------
  // Compression core
  // ---------------------------------------------------------------------------------------
  logic          sha_start, sha_busy, sha_done;
  logic [DigestBits-1:0] sha_state_in, sha_state_out;
  logic [511:0]  sha_block;

  // The outer block: the inner digest, the 0x80 marker, zeros, and the 64-bit length of
  // K0 ^ opad (64 bytes) plus the digest.
  localparam int unsigned OuterZeroBits = 512 - DigestBits - 8 - 64;
  localparam logic [63:0] OuterBitLen   = 64'(512) + 64'(DigestBits);

  if (DigestBits == 256) begin : g_sha256
    esp_sha256 u_sha (
      .clk_i,
      .rst_ni,
      .start_i(sha_start),
      .state_i(sha_state_in),
      .block_i(sha_block),
      .busy_o (sha_busy),
      .done_o (sha_done),
      .state_o(sha_state_out)
    );
  end else begin : g_sha1
    esp_sha1 u_sha (
      .clk_i,
      .rst_ni,
      .start_i(sha_start),
      .state_i(sha_state_in),
      .block_i(sha_block),
      .busy_o (sha_busy),
      .done_o (sha_done),
      .state_o(sha_state_out)
    );
  end

  // ---------------------------------------------------------------------------------------
  // Padding of the final data block (FIPS 180-4 5.1.1): bytes < rem kept, byte rem = 0x80,
  // the rest zero, and the 64-bit length in bytes 56..63 when rem <= 55.
  // ---------------------------------------------------------------------------------------
  logic [5:0]   rem;
  logic [511:0] keep_mask, marker, length_field, last_data_block, pad_only_block;
  logic         fits_length;

  assign rem          = left_q[5:0];
  assign fits_length  = rem <= 6'd55;
  assign keep_mask    = ~({512{1'b1}} >> (8 * rem));
  assign marker       = {8'h80, 504'h0} >> (8 * rem);
  assign length_field = {448'h0, bit_len_q};
  assign last_data_block = (block_i & keep_mask) | marker | (fits_length ? length_field : '0);
  // After a full last block (rem = 0, or a message of length 0) or one with rem >= 56.
  assign pad_only_block  = (marked_q ? '0 : {8'h80, 504'h0}) | length_field;

  // The next inner block may go in: in Absorb, or right on the clock the previous one is
  // done (its result, not yet in chain_q, is the chaining value).
  logic absorb;
  assign absorb = fsm_q == Absorb || (fsm_q == InnerRun && sha_done && !finished_q);

  // ---------------------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------------------
  always_comb begin
    fsm_d         = fsm_q;
    left_d        = left_q;
    marked_d      = marked_q;
    finished_d    = finished_q;
    bit_len_d     = bit_len_q;
    outer_d       = outer_q;
    chain_d       = chain_q;
    mac_d         = mac_q;
    sha_start     = 1'b0;
    sha_state_in  = chain_q;
    sha_block     = block_i;
    block_ready_o = 1'b0;
    mac_valid_o   = 1'b0;

    unique case (fsm_q)
      Idle: begin
        if (start_i) begin
          fsm_d      = Absorb;
          left_d     = msg_len_i;
          marked_d   = 1'b0;
          finished_d = 1'b0;
          bit_len_d  = (64'(msg_len_i) + 64'd64) << 3;
          chain_d    = inner_state_i;
          outer_d    = outer_state_i;
        end
      end

      Absorb: ;  // below (absorb)

      InnerRun: begin
        if (sha_done) begin
          chain_d = sha_state_out;
          fsm_d   = Absorb;
          if (finished_q) begin
            // Outer hash: H(K0 ^ opad || inner digest), one block after the precomputed one.
            sha_start    = 1'b1;
            sha_state_in = outer_q;
            sha_block    = {sha_state_out, 8'h80, {OuterZeroBits{1'b0}}, OuterBitLen};
            fsm_d        = OuterRun;
          end
        end
      end

      OuterRun: begin
        sha_state_in = outer_q;
        if (sha_done) begin
          mac_d       = sha_state_out;
          mac_valid_o = 1'b1;
          fsm_d       = Idle;
          // The states are SA secrets: keep no copy once the packet is done.
          chain_d     = '0;
          outer_d     = '0;
        end
      end

      default: begin
        fsm_d   = Idle;
        chain_d = '0;
        outer_d = '0;
      end
    endcase

    if (absorb) begin
      if (fsm_q == InnerRun) sha_state_in = sha_state_out;
      if (left_q != '0) begin
        block_ready_o = 1'b1;
        if (block_valid_i) begin
          sha_start = 1'b1;
          fsm_d     = InnerRun;
          if (left_q >= 32'd64) begin
            left_d = left_q - 32'd64;
          end else begin
            sha_block  = last_data_block;
            left_d     = '0;
            marked_d   = 1'b1;
            finished_d = fits_length;
          end
        end
      end else begin
        sha_start  = 1'b1;
        sha_block  = pad_only_block;
        marked_d   = 1'b1;
        finished_d = 1'b1;
        fsm_d      = InnerRun;
      end
    end
  end

  assign busy_o = fsm_q != Idle;
  assign mac_o  = mac_valid_o ? sha_state_out : mac_q;

  // ---------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      fsm_q <= Idle;
    end else begin
      fsm_q <= fsm_d;
    end
  end

  always_ff @(posedge clk_i) begin
    left_q     <= left_d;
    marked_q   <= marked_d;
    finished_q <= finished_d;
    bit_len_q  <= bit_len_d;
    outer_q    <= outer_d;
    chain_q    <= chain_d;
    mac_q      <= mac_d;
  end

`ifndef SYNTHESIS
  // The core is only started when idle: Absorb and InnerRun wait for it by construction.
  always_ff @(posedge clk_i) begin
    if (rst_ni && sha_start) begin
      assert (!sha_busy)
      else $error("esp_hmac: compression started while busy");
    end
  end
`endif

endmodule
