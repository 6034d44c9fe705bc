// esp_aes_enc_pipe: AES-128/256 encryption (FIPS-197 5.1), fully pipelined: one 16-byte
// block per clock in, one out, Latency clocks later, in order, with no stall. Each block
// brings its SA's round keys (expanded once at SA install by esp_aes_key_expand), so
// blocks of different SAs and key sizes interleave freely. Used for GCM's CTR keystream
// and H, and for CBC encryption (one engine per in-flight packet).
module esp_aes_enc_pipe #(
  parameter int unsigned TagWidth = 16  // sideband carried alongside each block
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Input block and its SA context
  input  logic                 valid_i,
  input  logic [TagWidth-1:0]  tag_i,
  input  logic                 aes256_i,      // 0: AES-128 (round keys 0..10 used)
  input  logic [esp_aes_pkg::NumRoundKeys-1:0][127:0] round_keys_i,  // element r = round key r
  input  logic [127:0]         block_i,       // FIPS-197 byte 0 in [127:120]

  // Output block, Latency clocks after its input
  output logic                 valid_o,
  output logic [TagWidth-1:0]  tag_o,
  output logic [127:0]         block_o
);

  localparam int unsigned Rounds = esp_aes_pkg::MaxRounds;
  localparam int unsigned Aes128Rounds = esp_aes_pkg::Aes128Rounds;
  // Stage 0 adds round key 0; stages 1..14 are one round each (esp_aes_pkg::PipeLatency
  // clocks in all). AES-128 blocks pass stages 11..14 unchanged, so both key sizes share one
  // latency and blocks never reorder.

  // Stage s of the pipeline is element s of each packed array.
  logic [Rounds:0]                valid_q;
  logic [Rounds:0][TagWidth-1:0]  tag_q;
  logic [Rounds-1:0]              aes256_q;  // the last stage needs no key size
  logic [Rounds:0][127:0]         state_d, state_q;
  // Round keys still needed downstream: stage s keeps keys s+1..14 and zeroes the rest, so
  // synthesis removes the spent ones (constant flops) and a key never lingers after use.
  logic [Rounds-1:0][14:0][127:0] keys_d, keys_q;

  // ---------------------------------------------------------------------------------------
  // Stage 0: initial AddRoundKey
  // ---------------------------------------------------------------------------------------
  assign state_d[0] = block_i ^ round_keys_i[0];
  for (genvar k = 0; k <= Rounds; k++) begin : gen_key0
    assign keys_d[0][k] = (k == 0) ? '0 : round_keys_i[k];
  end

  // ---------------------------------------------------------------------------------------
  // Stages 1..14: one round each
  // ---------------------------------------------------------------------------------------
  for (genvar s = 1; s <= Rounds; s++) begin : gen_stage
    logic         last_round;  // no MixColumns
    logic         bypass;      // AES-128 block past its final round
    logic [127:0] round_out;

    if (s < Aes128Rounds) begin : gen_common
      assign last_round = 1'b0;
      assign bypass     = 1'b0;
    end else if (s == Aes128Rounds) begin : gen_aes128_last
      assign last_round = !aes256_q[s-1];
      assign bypass     = 1'b0;
    end else if (s < Rounds) begin : gen_aes256_only
      assign last_round = 1'b0;
      assign bypass     = !aes256_q[s-1];
    end else begin : gen_aes256_last
      assign last_round = 1'b1;
      assign bypass     = !aes256_q[s-1];
    end

    esp_aes_round #(
      .Inverse(1'b0)
    ) u_round (
      .state_i    (state_q[s-1]),
      .round_key_i(keys_q[s-1][s]),
      .final_i    (last_round),
      .state_o    (round_out)
    );

    assign state_d[s] = bypass ? state_q[s-1] : round_out;

    if (s < Rounds) begin : gen_keys
      for (genvar k = 0; k <= Rounds; k++) begin : gen_key
        assign keys_d[s][k] = (k == s) ? '0 : keys_q[s-1][k];
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // Registers: valid with synchronous active-low reset, datapath without
  // ---------------------------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else begin
      valid_q <= {valid_q[Rounds-1:0], valid_i};
    end
  end

  always_ff @(posedge clk_i) begin
    tag_q    <= {tag_q[Rounds-1:0], tag_i};
    aes256_q <= {aes256_q[Rounds-2:0], aes256_i};
    state_q  <= state_d;
    keys_q   <= keys_d;
  end

  // ---------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------
  assign valid_o = valid_q[Rounds];
  assign tag_o   = tag_q[Rounds];
  assign block_o = state_q[Rounds];

endmodule
