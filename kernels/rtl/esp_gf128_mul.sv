// esp_gf128_mul: multiplication in GF(2^128) modulo x^128 + x^7 + x^2 + x + 1 with GCM's
// bit order (SP 800-38D 6.3: the first bit of a block, here bit 127, is the coefficient of
// x^0), pipelined over Stages clocks: stage k folds 128/Stages bits of b into the product by
// Horner's rule, acc = acc * x^W + a * b_chunk (mod P), so each stage is a W-term XOR tree.
module esp_gf128_mul #(
  parameter int unsigned Stages = 4  // 2, 4 or 8: clocks of latency, one product per clock
) (
  input  logic         clk_i,
  input  logic [127:0] a_i,
  input  logic [127:0] b_i,
  output logic [127:0] p_o   // a_i * b_i, Stages clocks later
);

  localparam int unsigned W = 128 / Stages;

  // GCM order to polynomial order: coefficient of x^k at bit k.
  function automatic logic [127:0] reflect(logic [127:0] v);
    for (int unsigned k = 0; k < 128; k++) begin
      reflect[k] = v[127 - k];
    end
  endfunction

  // ---------------------------------------------------------------------------------------
  // Stage k takes chunk Stages-1-k of b (highest degree first); its registers live in its
  // generate block: the partial product, and a and the chunks of b still to come.
  // ---------------------------------------------------------------------------------------
  for (genvar k = 0; k < Stages; k++) begin : gen_stage
    logic [127:0]   acc_in, a_in, acc_d, acc_q;
    // Only chunks Stages-1-k and below of b_in are still needed here; the consumed chunks
    // ride along unread and synthesis prunes their flops.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [127:0]   b_in;
    /* verilator lint_on UNUSEDSIGNAL */
    logic [W-1:0]   chunk;
    logic [127+W:0] wide;
    logic [W-1:0]   high;

    if (k == 0) begin : gen_first
      assign acc_in = '0;
      assign a_in   = reflect(a_i);
      assign b_in   = reflect(b_i);
    end else begin : gen_next
      assign acc_in = gen_stage[k-1].acc_q;
      assign a_in   = gen_stage[k-1].gen_pass.a_q;
      assign b_in   = gen_stage[k-1].gen_pass.b_q;
    end
    assign chunk = b_in[W * (Stages - 1 - k) +: W];

    always_comb begin
      wide = {acc_in, {W{1'b0}}};
      for (int unsigned j = 0; j < W; j++) begin
        if (chunk[j]) begin
          wide = wide ^ ({{W{1'b0}}, a_in} << j);
        end
      end
    end

    // x^128 = x^7 + x^2 + x + 1: fold the W high coefficients back once (W + 7 <= 128).
    assign high  = wide[127+W:128];
    assign acc_d = wide[127:0] ^ 128'(high) ^ (128'(high) << 1) ^ (128'(high) << 2)
                   ^ (128'(high) << 7);

    always_ff @(posedge clk_i) begin
      acc_q <= acc_d;
    end

    if (k < Stages - 1) begin : gen_pass
      logic [127:0] a_d, a_q, b_d, b_q;
      assign a_d = a_in;
      assign b_d = b_in;
      always_ff @(posedge clk_i) begin
        a_q <= a_d;
        b_q <= b_d;
      end
    end
  end

  assign p_o = reflect(gen_stage[Stages-1].acc_q);

`ifndef SYNTHESIS
  initial begin
    assert (Stages inside {2, 4, 8})
    else $fatal(1, "esp_gf128_mul: Stages must be 2, 4 or 8");
  end
`endif

endmodule
