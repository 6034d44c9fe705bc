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

  // Stage k's registers are element k; the last stage passes no operands on.
  logic [Stages-1:0][127:0] acc_d, acc_q;
  logic [Stages-2:0][127:0] a_d, a_q, b_d, b_q;

  // ---------------------------------------------------------------------------------------
  // Stage k takes chunk Stages-1-k of b (highest degree first)
  // ---------------------------------------------------------------------------------------
  for (genvar k = 0; k < Stages; k++) begin : gen_stage
    logic [127:0]   acc_in, a_in;
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
      assign acc_in = acc_q[k-1];
      assign a_in   = a_q[k-1];
      assign b_in   = b_q[k-1];
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
    assign high     = wide[127+W:128];
    assign acc_d[k] = wide[127:0] ^ 128'(high) ^ (128'(high) << 1) ^ (128'(high) << 2)
                      ^ (128'(high) << 7);
    if (k < Stages - 1) begin : gen_pass
      assign a_d[k] = a_in;
      assign b_d[k] = b_in;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Registers (datapath only: no reset)
  // ---------------------------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    acc_q <= acc_d;
    a_q   <= a_d;
    b_q   <= b_d;
  end

  assign p_o = reflect(acc_q[Stages-1]);

`ifndef SYNTHESIS
  initial begin
    assert (Stages inside {2, 4, 8})
    else $fatal(1, "esp_gf128_mul: Stages must be 2, 4 or 8");
  end
`endif

endmodule
