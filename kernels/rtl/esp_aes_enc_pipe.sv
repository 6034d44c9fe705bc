// esp_aes_enc_pipe: AES-128/256 encryption (FIPS-197 5.1), fully pipelined: one 16-byte
// block per clock in, one out esp_aes_pkg::PipeLatency (15) clocks later, in order, with no
// stall. Each block brings its SA's round keys (expanded once at SA install by
// esp_aes_key_expand), so blocks of different SAs and key sizes interleave freely. Used for
// GCM's CTR keystream and H, and for CBC encryption (one engine per in-flight packet).
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

  // Output block, PipeLatency clocks after its input
  output logic                 valid_o,
  output logic [TagWidth-1:0]  tag_o,
  output logic [127:0]         block_o
);

  localparam int unsigned Rounds = esp_aes_pkg::MaxRounds;
  localparam int unsigned Aes128Rounds = esp_aes_pkg::Aes128Rounds;
  // Stage 0 adds round key 0; stages 1..14 are one round each (esp_aes_pkg::PipeLatency
  // clocks in all). AES-128 blocks pass stages 11..14 unchanged, so both key sizes share one
  // latency and blocks never reorder.

  // The round keys as one flat vector, round key r in bits [128r +: 128].
  logic [128*(Rounds+1)-1:0]     keys_flat;
  assign keys_flat = round_keys_i;

  // Sideband: stage s is element s.
  logic [Rounds:0]               valid_q;
  logic [Rounds:0][TagWidth-1:0] tag_q;
  logic [Rounds-1:0]             aes256_q;  // the last stage needs no key size

  // ---------------------------------------------------------------------------------------
  // Datapath: stage s holds its state and the round keys s+1..14 still ahead of it, so a
  // key is dropped once used and the key flops shrink along the pipe.
  // ---------------------------------------------------------------------------------------
  for (genvar s = 0; s <= Rounds; s++) begin : gen_stage
    logic [127:0] state_d, state_q;

    if (s == 0) begin : gen_add_key
      assign state_d = block_i ^ keys_flat[127:0];
    end else begin : gen_round
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
        .state_i    (gen_stage[s-1].gen_sub.sub_q),
        .round_key_i(gen_stage[s-1].gen_keys.keys_q[127:0]),  // round key s
        .final_i    (last_round),
        .state_o    (round_out)
      );

      assign state_d = bypass ? gen_stage[s-1].state_q : round_out;
    end

    if (s < Rounds) begin : gen_keys
      // Round key s+1+j in bits [128j +: 128] (flat: its width depends on the stage).
      logic [128*(Rounds-s)-1:0] keys_d, keys_q;
      if (s == 0) begin : gen_load
        assign keys_d = keys_flat[128*(Rounds+1)-1:128];
      end else begin : gen_pass
        assign keys_d = gen_stage[s-1].gen_keys.keys_q[128*(Rounds-s+1)-1:128];
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
        .Inverse(1'b0)
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
