// esp_sha256: the SHA-256 compression function (FIPS 180-4 6.2.2), iterative: one round per
// clock. done_o comes 65 clocks after start (load, 64 rounds, then the chaining add on the
// done clock itself), and the next block may start on the done clock: 65 clocks per 64-byte
// block, back to back.
// The caller supplies the chaining value, so HMAC can start from inner/outer states
// precomputed at SA install.
module esp_sha256 (
  input  logic         clk_i,
  input  logic         rst_ni,

  // Request, accepted when start_i && !busy_o
  input  logic         start_i,
  input  logic [255:0] state_i,   // H0..H7, H0 in [255:224]
  input  logic [511:0] block_i,   // M0..M15 big-endian, message byte 0 in [511:504]

  output logic         busy_o,
  output logic         done_o,    // one clock; state_o holds until the next start
  output logic [255:0] state_o
);

  // FIPS 180-4 4.2.2: first 32 bits of the fractional parts of the cube roots of the first
  // 64 primes (generated; K_t in bits [32t +: 32]).
  localparam logic [2047:0] RoundConstants = {
    256'hc67178f2bef9a3f7a4506ceb90befffa8cc7020884c8781478a5636f748f82ee,
    256'h682e6ff35b9cca4f4ed8aa4a391c0cb334b0bcb52748774c1e376c0819a4c116,
    256'h106aa070f40e3585d6990624d192e819c76c51a3c24b8b70a81a664ba2bfe8a1,
    256'h92722c8581c2c92e766a0abb650a735453380d134d2c6dfc2e1b213827b70a85,
    256'h1429296706ca6351d5a79147c6e00bf3bf597fc7b00327c8a831c66d983e5152,
    256'h76f988da5cb0a9dc4a7484aa2de92c6f240ca1cc0fc19dc6efbe4786e49b69c1,
    256'hc19bf1749bdc06a780deb1fe72be5d74550c7dc3243185be12835b01d807aa98,
    256'hab1c5ed5923f82a459f111f13956c25be9b5dba5b5c0fbcf71374491428a2f98
  };

  // FIPS 180-4 4.1.2
  function automatic logic [31:0] big_sigma0(logic [31:0] x);
    big_sigma0 = {x[1:0], x[31:2]} ^ {x[12:0], x[31:13]} ^ {x[21:0], x[31:22]};
  endfunction
  function automatic logic [31:0] big_sigma1(logic [31:0] x);
    big_sigma1 = {x[5:0], x[31:6]} ^ {x[10:0], x[31:11]} ^ {x[24:0], x[31:25]};
  endfunction
  function automatic logic [31:0] small_sigma0(logic [31:0] x);
    small_sigma0 = {x[6:0], x[31:7]} ^ {x[17:0], x[31:18]} ^ (x >> 3);
  endfunction
  function automatic logic [31:0] small_sigma1(logic [31:0] x);
    small_sigma1 = {x[16:0], x[31:17]} ^ {x[18:0], x[31:19]} ^ (x >> 10);
  endfunction

  typedef enum logic [1:0] {
    Idle,
    Rounds,
    Finish
  } state_e;

  state_e             fsm_d, fsm_q;
  logic [5:0]         round_d, round_q;
  logic [7:0][31:0]   work_d, work_q;    // a..h, a = element 7
  logic [15:0][31:0]  sched_d, sched_q;  // W_t..W_t+15, W_t = element 15
  logic [255:0]       chain_d, chain_q;  // the chaining value in, then the result
  logic [255:0]       digest;            // the result, out on the Finish clock

  // ---------------------------------------------------------------------------------------
  // One round (FIPS 180-4 6.2.2 step 3) and the message schedule (step 1), W_t+16 formed
  // from the window as W_t+16 = s1(W_t+14) + W_t+9 + s0(W_t+1) + W_t.
  // ---------------------------------------------------------------------------------------
  logic [31:0] a, b, c, d, e, f, g, h, t1, t2, w_t, w_next;
  assign {a, b, c, d, e, f, g, h} = work_q;
  assign w_t    = sched_q[15];
  assign t1     = h + big_sigma1(e) + ((e & f) ^ (~e & g)) + RoundConstants[32 * round_q +: 32] + w_t;
  assign t2     = big_sigma0(a) + ((a & b) ^ (a & c) ^ (b & c));
  assign w_next = small_sigma1(sched_q[1]) + sched_q[6] + small_sigma0(sched_q[14]) + sched_q[15];

  // ---------------------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------------------
  // FIPS 180-4 6.2.2 step 4: H(i) = H(i-1) + a..h, wordwise.
  always_comb begin
    for (int unsigned i = 0; i < 8; i++) begin
      digest[32 * i +: 32] = chain_q[32 * i +: 32] + work_q[i];
    end
  end

  always_comb begin
    fsm_d   = fsm_q;
    round_d = round_q;
    work_d  = work_q;
    sched_d = sched_q;
    chain_d = chain_q;

    unique case (fsm_q)
      Idle, Finish: begin
        // Finish: the result is out (done_o) and held; a start on this clock loads the next.
        if (fsm_q == Finish) begin
          chain_d = digest;
          fsm_d   = Idle;
        end
        if (start_i) begin
          fsm_d   = Rounds;
          round_d = '0;
          work_d  = state_i;
          sched_d = block_i;
          chain_d = state_i;
        end
      end

      Rounds: begin
        work_d  = {t1 + t2, a, b, c, d + t1, e, f, g};
        sched_d = {sched_q[14:0], w_next};
        round_d = round_q + 6'd1;
        if (round_q == 6'd63) begin
          fsm_d = Finish;
        end
      end

      default: begin
        fsm_d = Idle;
      end
    endcase
  end

  assign busy_o  = fsm_q == Rounds;
  assign done_o  = fsm_q == Finish;
  assign state_o = (fsm_q == Finish) ? digest : chain_q;

  // ---------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      fsm_q  <= Idle;
    end else begin
      fsm_q  <= fsm_d;
    end
  end

  always_ff @(posedge clk_i) begin
    round_q <= round_d;
    work_q  <= work_d;
    sched_q <= sched_d;
    chain_q <= chain_d;
  end

endmodule
