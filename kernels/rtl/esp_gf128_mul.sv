// esp_gf128_mul: multiplication in GF(2^128) modulo x^128 + x^7 + x^2 + x + 1 with GCM's
// bit order (SP 800-38D 6.3: the first bit of a block, here bit 127, is the coefficient of
// x^0), pipelined over Stages clocks, one product per clock. One level of Karatsuba: with
// a = a1 x^64 + a0 and b likewise, a b = a1b1 x^128 + (m + a1b1 + a0b0) x^64 + a0b0 where
// m = (a1 + a0)(b1 + b0), three 64 x 64 carry-less products instead of four 64 x 64 (a
// quarter of the AND/XOR terms). Each is computed by Horner's rule over the stages: stage k
// folds 64/Stages bits of its b operand, acc = acc * x^W + a_op * chunk. The last stage
// also combines the three and reduces the 255-bit product once.
module esp_gf128_mul #(
  parameter int unsigned Stages = 4  // 2, 4 or 8: clocks of latency, one product per clock
) (
  input  logic         clk_i,
  input  logic [127:0] a_i,
  input  logic [127:0] b_i,
  output logic [127:0] p_o   // a_i * b_i, Stages clocks later
);

  localparam int unsigned W = 64 / Stages;  // bits of each b operand folded per stage

  // GCM order to polynomial order: coefficient of x^k at bit k.
  function automatic logic [127:0] reflect(logic [127:0] v);
    for (int unsigned k = 0; k < 128; k++) begin
      reflect[k] = v[127 - k];
    end
  endfunction

  // Karatsuba operands, element 0: a0 b0, 1: a1 b1, 2: (a0 + a1)(b0 + b1).
  // Flat vectors, element m in bits [Nm +: N]: Yosys 0.55 cannot size a multi-dimensional
  // packed array indexed by a loop variable inside a generate block.
  logic [127:0] a_poly, b_poly;
  logic [191:0] a_ops, b_ops;
  assign a_poly = reflect(a_i);
  assign b_poly = reflect(b_i);
  assign a_ops  = {a_poly[127:64] ^ a_poly[63:0], a_poly[127:64], a_poly[63:0]};
  assign b_ops  = {b_poly[127:64] ^ b_poly[63:0], b_poly[127:64], b_poly[63:0]};

  // x^128 = x^7 + x^2 + x + 1: v (a polynomial of degree < 134) times that, as 141 bits.
  function automatic logic [140:0] times_tail(logic [133:0] v);
    times_tail = 141'(v) ^ (141'(v) << 1) ^ (141'(v) << 2) ^ (141'(v) << 7);
  endfunction

  // ---------------------------------------------------------------------------------------
  // Stage k takes chunk Stages-1-k of each b operand (highest degree first); its registers
  // live in its generate block: the three partial products (at most 127 bits; the bits not
  // reached yet are constant zero and synthesis drops their flops), and the a operands and
  // b chunks still to come. The last stage registers the reduced product instead.
  // ---------------------------------------------------------------------------------------
  for (genvar k = 0; k < Stages; k++) begin : gen_stage
    logic [380:0] acc_in, acc_d;
    logic [191:0] a_in;
    // Only chunks Stages-1-k and below of b_in are still needed here; the consumed chunks
    // ride along unread and synthesis prunes their flops.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [191:0] b_in;
    /* verilator lint_on UNUSEDSIGNAL */

    if (k == 0) begin : gen_first
      assign acc_in = '0;
      assign a_in   = a_ops;
      assign b_in   = b_ops;
    end else begin : gen_next
      assign acc_in = gen_stage[k-1].gen_pass.acc_q;
      assign a_in   = gen_stage[k-1].gen_pass.a_q;
      assign b_in   = gen_stage[k-1].gen_pass.b_q;
    end

    always_comb begin
      for (int unsigned m = 0; m < 3; m++) begin
        // No overflow: after k stages a partial product has 64 + W k - 1 bits.
        acc_d[127 * m +: 127] = acc_in[127 * m +: 127] << W;
        for (int unsigned j = 0; j < W; j++) begin
          if (b_in[64 * m + W * (Stages - 1 - k) + j]) begin
            acc_d[127 * m +: 127] = acc_d[127 * m +: 127] ^ (127'(a_in[64 * m +: 64]) << j);
          end
        end
      end
    end

    if (k < Stages - 1) begin : gen_pass
      logic [380:0] acc_q;
      logic [191:0] a_d, a_q, b_d, b_q;
      assign a_d = a_in;
      assign b_d = b_in;
      always_ff @(posedge clk_i) begin
        acc_q <= acc_d;
        a_q   <= a_d;
        b_q   <= b_d;
      end
    end else begin : gen_last
      // a b = L1 x^128 + (M + L0 + L1) x^64 + L0, then one reduction of the top 127 bits
      // and of the at most 6 bits that overflow it.
      logic [126:0] mid;
      logic [254:0] full;
      logic [140:0] fold1, fold2;
      logic [127:0] p_d, p_q;
      logic [126:0] l0, l1;
      assign l0    = acc_d[126:0];
      assign l1    = acc_d[253:127];
      assign mid   = acc_d[380:254] ^ l0 ^ l1;
      assign full  = 255'(l0) ^ (255'(mid) << 64) ^ (255'(l1) << 128);
      assign fold1 = times_tail(134'(full[254:128]));
      assign fold2 = times_tail(134'(fold1[140:128]));
      assign p_d   = full[127:0] ^ fold1[127:0] ^ fold2[127:0];
      always_ff @(posedge clk_i) begin
        p_q <= p_d;
      end
      logic unused_fold;
      assign unused_fold = ^fold2[140:128];
    end
  end

  assign p_o = reflect(gen_stage[Stages-1].gen_last.p_q);

`ifndef SYNTHESIS
  initial begin
    assert (Stages inside {2, 4, 8})
    else $fatal(1, "esp_gf128_mul: Stages must be 2, 4 or 8");
  end
`endif

endmodule
