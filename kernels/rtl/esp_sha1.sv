// esp_sha1: the SHA-1 compression function (FIPS 180-4 6.1.2), iterative: one round per
// clock, done_o 81 clocks after start (load, 80 rounds, then the chaining add on the done
// clock itself, on which the next block may start: 81 clocks per block). Same interface as
// esp_sha256 with a 160-bit chaining value; used for HMAC-SHA1-96 (RFC 2404).
module esp_sha1 (
  input  logic         clk_i,
  input  logic         rst_ni,
  // Request, accepted when start_i && !busy_o
  input  logic         start_i,
  input  logic [159:0] state_i,   // H0..H4, H0 in [159:128]
  input  logic [511:0] block_i,   // message byte 0 in [511:504]
  output logic         busy_o,
  output logic         done_o,    // one clock; state_o holds until the next start
  output logic [159:0] state_o
);
  typedef enum logic [1:0] {
    Idle,
    Rounds,
    Finish
  } state_e;

  state_e            fsm_q;

  state_e fsm_d;
  logic [6:0]        round_q;
  logic [6:0] round_d;
  logic [4:0][31:0]  work_q;
  logic [4:0][31:0] work_d;    // a..e, a = element 4
  logic [15:0][31:0] sched_q;
  logic [15:0][31:0] sched_d;   // W_t..W_t+15, W_t = element 15
  logic [159:0]      chain_q;
  logic [159:0] chain_d;
  logic [159:0]      digest;  // the result, out on the Finish clock

  // FIPS 180-4 4.1.1 and 4.2.1: f_t and K_t by round.
  logic [31:0] a, b, c, d, e, f, k, temp, w_next;
  assign a = work_q[4];
  assign b = work_q[3];
  assign c = work_q[2];
  assign d = work_q[1];
  assign e = work_q[0];
  always_comb begin
    if (round_q < 7'd20) begin
      f = (b & c) | (~b & d);
      k = 32'h5a827999;
    end else if (round_q < 7'd40) begin
      f = b ^ c ^ d;
      k = 32'h6ed9eba1;
    end else if (round_q < 7'd60) begin
      f = (b & c) | (b & d) | (c & d);
      k = 32'h8f1bbcdc;
    end else begin
      f = b ^ c ^ d;
      k = 32'hca62c1d6;
    end
  end
  assign temp = {a[26:0], a[31:27]} + f + e + k + sched_q[15];
  // W_t+16 = ROTL1(W_t+13 ^ W_t+8 ^ W_t+2 ^ W_t)
  logic [31:0] w_x;
  assign w_x    = sched_q[2] ^ sched_q[7] ^ sched_q[13] ^ sched_q[15];
  assign w_next = {w_x[30:0], w_x[31]};

  assign digest = {chain_q[159:128] + work_q[4], chain_q[127:96] + work_q[3],
                   chain_q[95:64] + work_q[2], chain_q[63:32] + work_q[1],
                   chain_q[31:0] + work_q[0]};

  always_comb begin
    chain_d = chain_q;
    work_d = work_q;
    sched_d = sched_q;
    round_d = round_q;
    fsm_d = fsm_q;

    unique case (fsm_q)
      Idle, Finish: begin
        // Finish: the result is out (done_o) and held; a start on this clock loads the next.
        if (fsm_q == Finish) begin
          chain_d = digest;
          fsm_d = Idle;
        end
        if (start_i) begin
          chain_d = state_i;
          work_d = state_i;
          sched_d = block_i;
          round_d = '0;
          fsm_d = Rounds;
        end
      end
      Rounds: begin
        work_d = {temp, a, {b[1:0], b[31:2]}, c, d};
        sched_d = {sched_q[14:0], w_next};
        round_d = round_q + 7'd1;
        if (round_q == 7'd79) fsm_d = Finish;
      end
      default: fsm_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      fsm_q  <= Idle;
    end else begin
      fsm_q <= fsm_d;
    end
  end

  always_ff @(posedge clk_i) begin
    chain_q <= chain_d;
    work_q <= work_d;
    sched_q <= sched_d;
    round_q <= round_d;
  end

  assign busy_o  = fsm_q == Rounds;
  assign done_o  = fsm_q == Finish;
  assign state_o = (fsm_q == Finish) ? digest : chain_q;

endmodule
