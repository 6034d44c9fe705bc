// esp_ghash: GHASH_H (SP 800-38D 6.4) at one 16-byte block per clock with a pipelined
// multiplier. Y = sum X_i * H^(n-i+1) is computed in Lanes interleaved Horner chains:
// block i is multiplied by H^Lanes after adding the product of block i-Lanes, except the
// last Lanes blocks of a message, which take H^(blocks left + 1); the digest is the XOR of
// the lanes' final products. H^1..H^Lanes are computed once per SA (at install) and come in
// with every block, so messages of different SAs follow each other without a gap.
module esp_ghash #(
  parameter int unsigned Lanes    = 4,   // multiplier stages = lanes: 2, 4 or 8
  parameter int unsigned TagWidth = 16   // sideband returned with each digest
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

  // Message blocks (A || pad || C || pad || len(A) || len(C)), any number of bubbles between
  input  logic                          valid_i,
  input  logic                          first_i,   // first block of a message
  input  logic [$clog2(Lanes)-1:0]      left_i,    // blocks after this one, saturated at Lanes-1
  input  logic [127:0]                  block_i,
  input  logic [Lanes-1:0][127:0]       h_pow_i,   // element k = H^(k+1)
  input  logic [TagWidth-1:0]           tag_i,     // sampled with the last block (left_i == 0)

  // Digest of each message, Lanes + 2 clocks after its last block
  output logic                          valid_o,
  output logic [127:0]                  ghash_o,
  output logic [TagWidth-1:0]           tag_o
);

  localparam int unsigned LaneBits = $clog2(Lanes);

  // ---------------------------------------------------------------------------------------
  // Input stage: lane bookkeeping and the power of H each block is multiplied by
  // ---------------------------------------------------------------------------------------
  logic                valid_q, last_q, feedback_q, full_q;
  logic [LaneBits-1:0] lane_q;
  logic [127:0]        block_q, hpow_q;
  logic [TagWidth-1:0] tag_q;
  // Position of the next block within the current message, and whether Lanes blocks passed.
  logic [LaneBits-1:0] next_lane_d, next_lane_q;
  logic                wrapped_d, wrapped_q;
  logic [LaneBits-1:0] lane;
  logic                wrapped;

  assign lane    = first_i ? '0 : next_lane_q;
  assign wrapped = first_i ? 1'b0 : wrapped_q;

  always_comb begin
    next_lane_d = next_lane_q;
    wrapped_d   = wrapped_q;
    if (valid_i) begin
      next_lane_d = lane + 1'b1;
      wrapped_d   = wrapped || (lane == LaneBits'(Lanes - 1));
    end
  end

  // ---------------------------------------------------------------------------------------
  // Lane feedback and multiplier
  // ---------------------------------------------------------------------------------------
  logic [Lanes-1:0][127:0] acc_d, acc_q;  // each lane's latest product
  logic [127:0]        product, lane_value, mul_a;
  // Sideband that travels with a product through the multiplier (element s = stage s).
  logic [Lanes-1:0]                mvalid_q, mlast_q, mfull_q;
  logic [Lanes-1:0][LaneBits-1:0]  mlane_q;
  logic [Lanes-1:0][TagWidth-1:0]  mtag_q;

  // The product of block i-Lanes is in its lane register, or leaving the multiplier now.
  // Lane registers are read and written through constant indices under a compare: indexing
  // by a variable (acc_q[lane_q]) made Yosys build Lanes x 128-bit shifters with a 9-bit
  // shift amount, most of this module's LUTs and MUXFs.
  logic [127:0] lane_reg;
  always_comb begin
    lane_reg = '0;
    for (int unsigned l = 0; l < Lanes; l++) begin
      if (lane_q == LaneBits'(l)) lane_reg = acc_q[l];
    end
  end
  assign lane_value = (mvalid_q[Lanes-1] && mlane_q[Lanes-1] == lane_q) ? product : lane_reg;
  assign mul_a      = block_q ^ (feedback_q ? lane_value : '0);

  esp_gf128_mul #(
    .Stages(Lanes)
  ) u_mul (
    .clk_i,
    .a_i(mul_a),
    .b_i(hpow_q),
    .p_o(product)
  );

  always_comb begin
    acc_d = acc_q;
    for (int unsigned l = 0; l < Lanes; l++) begin
      if (mvalid_q[Lanes-1] && mlane_q[Lanes-1] == LaneBits'(l)) acc_d[l] = product;
    end
  end

  // The power of H for this block, by the same constant-index selection.
  logic [127:0] hpow_d;
  always_comb begin
    hpow_d = '0;
    for (int unsigned k = 0; k < Lanes; k++) begin
      if (left_i == LaneBits'(k)) hpow_d = h_pow_i[k];
    end
  end

  // ---------------------------------------------------------------------------------------
  // Output: the last product plus the other lanes this message used
  // ---------------------------------------------------------------------------------------
  logic                out_valid_d, out_valid_q;
  logic [127:0]        digest_d, digest_q;
  logic [TagWidth-1:0] out_tag_q;

  always_comb begin
    out_valid_d = mvalid_q[Lanes-1] && mlast_q[Lanes-1];
    digest_d    = product;
    for (int unsigned l = 0; l < Lanes; l++) begin
      // A message of n < Lanes blocks used lanes 0..n-1 only; the others hold stale data.
      if (LaneBits'(l) != mlane_q[Lanes-1] && (mfull_q[Lanes-1] || LaneBits'(l) < mlane_q[Lanes-1])) begin
        digest_d = digest_d ^ acc_q[l];
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // Registers: valids and lane position with synchronous active-low reset
  // ---------------------------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q     <= 1'b0;
      next_lane_q <= '0;
      wrapped_q   <= 1'b0;
      mvalid_q    <= '0;
      out_valid_q <= 1'b0;
    end else begin
      valid_q     <= valid_i;
      next_lane_q <= next_lane_d;
      wrapped_q   <= wrapped_d;
      mvalid_q    <= {mvalid_q[Lanes-2:0], valid_q};
      out_valid_q <= out_valid_d;
    end
  end

  always_ff @(posedge clk_i) begin
    last_q     <= left_i == '0;
    feedback_q <= wrapped;
    full_q     <= wrapped || (lane == LaneBits'(Lanes - 1));
    lane_q     <= lane;
    block_q    <= block_i;
    hpow_q     <= hpow_d;
    tag_q      <= tag_i;
    mlast_q    <= {mlast_q[Lanes-2:0], last_q};
    mfull_q    <= {mfull_q[Lanes-2:0], full_q};
    mlane_q    <= {mlane_q[Lanes-2:0], lane_q};
    mtag_q     <= {mtag_q[Lanes-2:0], tag_q};
    acc_q     <= acc_d;
    digest_q  <= digest_d;
    out_tag_q <= mtag_q[Lanes-1];
  end

  assign valid_o = out_valid_q;
  assign ghash_o = digest_q;
  assign tag_o   = out_tag_q;

`ifndef SYNTHESIS
  initial begin
    assert (Lanes inside {2, 4, 8})
    else $fatal(1, "esp_ghash: Lanes must be 2, 4 or 8");
  end
`endif

endmodule
