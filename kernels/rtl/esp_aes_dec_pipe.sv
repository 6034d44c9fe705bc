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

  // The round keys as one flat vector, round key r in bits [128r +: 128].
  logic [128*(Rounds+1)-1:0]     keys_flat;
  assign keys_flat = round_keys_i;

  // Sideband: stage s is element s.
  logic [Rounds:0]               valid_q;
  logic [Rounds:0][TagWidth-1:0] tag_q;
  logic [Aes128Skip-1:0]         aes256_q;  // only the AES-256-only stages look

  // ---------------------------------------------------------------------------------------
  // Datapath: stage s holds its state and the round keys 0..Rounds-s-1 still ahead of it.
  // ---------------------------------------------------------------------------------------
  for (genvar s = 0; s <= Rounds; s++) begin : gen_stage
    logic [127:0] state_d, state_q;

    if (s == 0) begin : gen_add_key
      // AddRoundKey with round key Nr.
      assign state_d = block_i ^ (aes256_i ? keys_flat[128*Rounds +: 128]
                                           : keys_flat[128*esp_aes_pkg::Aes128Rounds +: 128]);
    end else begin : gen_round
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
        .state_i    (gen_stage[s-1].gen_sub.sub_q),
        .round_key_i(gen_stage[s-1].gen_keys.keys_q[128*(Rounds-s) +: 128]),  // key Rounds-s
        .final_i    (s == Rounds),
        .state_o    (round_out)
      );

      assign state_d = bypass ? gen_stage[s-1].state_q : round_out;
    end

    if (s < Rounds) begin : gen_keys
      // Round key j in bits [128j +: 128] (flat: its width depends on the stage).
      logic [128*(Rounds-s)-1:0] keys_d, keys_q;
      if (s == 0) begin : gen_load
        assign keys_d = keys_flat[128*Rounds-1:0];
      end else begin : gen_pass
        assign keys_d = gen_stage[s-1].gen_keys.keys_q[128*(Rounds-s)-1:0];
      end
      always_ff @(posedge clk_i) begin
        keys_q <= keys_d;
      end
    end

    always_ff @(posedge clk_i) begin
      state_q <= state_d;
    end

    // The next round's (Inv)SubBytes, registered in block-RAM ROMs beside state_q (which
    // only an AES-128 block passing a stage unchanged, and the output, still read).
    if (s < Rounds) begin : gen_sub
      logic [127:0] sub_q;
      esp_aes_sub_bytes_rom #(
        .Inverse(1'b1)
      ) u_sub (
        .clk_i,
        .data_i(state_d),
        .data_o(sub_q)
      );
    end
  end

  // ---------------------------------------------------------------------------------------
  // Sideband registers: valid with synchronous active-low reset, the rest without
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
    aes256_q <= {aes256_q[$bits(aes256_q)-2:0], aes256_i};
  end

  // ---------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------
  assign valid_o = valid_q[Rounds];
  assign tag_o   = tag_q[Rounds];
  assign block_o = gen_stage[Rounds].state_q;

endmodule
