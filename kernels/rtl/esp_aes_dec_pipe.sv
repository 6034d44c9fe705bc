// esp_aes_dec_pipe: AES-128/256 decryption (FIPS-197 5.3, the inverse cipher with the
// encryption round keys used in reverse), fully pipelined: one 16-byte block per clock,
// in order, esp_aes_pkg::PipeLatency clocks later. CBC decryption has no chaining through
// the cipher (P_i = D(C_i) ^ C_{i-1}), so inbound CBC runs at the pipe's full rate.
module esp_aes_dec_pipe #(
  parameter int unsigned TagWidth = 16  // sideband carried alongside each block
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Input block and its SA context (the same round keys esp_aes_enc_pipe takes)
  input  logic                 valid_i,
  input  logic [TagWidth-1:0]  tag_i,
  input  logic                 aes256_i,
  input  logic [esp_aes_pkg::NumRoundKeys-1:0][127:0] round_keys_i,
  input  logic [127:0]         block_i,

  // Output block, PipeLatency clocks after its input
  output logic                 valid_o,
  output logic [TagWidth-1:0]  tag_o,
  output logic [127:0]         block_o
);

  localparam int unsigned Rounds = esp_aes_pkg::MaxRounds;
  // AES-128 has four rounds fewer; its blocks pass the first four stages unchanged, so at
  // stage s both key sizes use round key Rounds - s and the last stage is always final.
  localparam int unsigned Aes128Skip = esp_aes_pkg::MaxRounds - esp_aes_pkg::Aes128Rounds;

  // Stage s of the pipeline is element s of each packed array.
  logic [Rounds:0]                valid_q;
  logic [Rounds:0][TagWidth-1:0]  tag_q;
  logic [Aes128Skip-1:0]          aes256_q;  // only the AES-256-only stages look
  logic [Rounds:0][127:0]         state_d, state_q;
  // Round keys still needed downstream (stage s keeps keys 0..Rounds-s-1, zeroes the rest).
  logic [Rounds-1:0][14:0][127:0] keys_d, keys_q;

  // ---------------------------------------------------------------------------------------
  // Stage 0: AddRoundKey with round key Nr
  // ---------------------------------------------------------------------------------------
  assign state_d[0] = block_i ^ (aes256_i ? round_keys_i[Rounds]
                                           : round_keys_i[esp_aes_pkg::Aes128Rounds]);
  for (genvar k = 0; k <= Rounds; k++) begin : gen_key0
    assign keys_d[0][k] = (k == Rounds) ? '0 : round_keys_i[k];
  end

  // ---------------------------------------------------------------------------------------
  // Stages 1..14: one inverse round each
  // ---------------------------------------------------------------------------------------
  for (genvar s = 1; s <= Rounds; s++) begin : gen_stage
    logic         bypass;  // AES-128 block before its first inverse round
    logic [127:0] round_out;

    if (s <= Aes128Skip) begin : gen_aes256_only
      assign bypass = !aes256_q[s-1];
    end else begin : gen_common
      assign bypass = 1'b0;
    end

    esp_aes_round #(
      .Inverse(1'b1)
    ) u_round (
      .state_i    (state_q[s-1]),
      .round_key_i(keys_q[s-1][Rounds-s]),
      .final_i    (s == Rounds),
      .state_o    (round_out)
    );

    assign state_d[s] = bypass ? state_q[s-1] : round_out;

    if (s < Rounds) begin : gen_keys
      for (genvar k = 0; k <= Rounds; k++) begin : gen_key
        assign keys_d[s][k] = (k == Rounds - s) ? '0 : keys_q[s-1][k];
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
    aes256_q <= {aes256_q[Aes128Skip-2:0], aes256_i};
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
