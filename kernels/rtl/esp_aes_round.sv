// esp_aes_round: one AES round, combinational (FIPS-197 5.1 cipher / 5.3 inverse cipher).
// Forward: SubBytes, ShiftRows, MixColumns (skipped in the final round), AddRoundKey.
// Inverse: InvShiftRows, InvSubBytes, AddRoundKey, InvMixColumns (skipped in the final round).
// Pipelines place one of these between registers, so a round costs one clock.
module esp_aes_round #(
  parameter bit Inverse = 1'b0
) (
  input  logic [127:0] state_i,
  input  logic [127:0] round_key_i,
  input  logic         final_i,      // last round of the cipher: no (Inv)MixColumns
  output logic [127:0] state_o
);

  // ---------------------------------------------------------------------------------------
  // Substitution: 16 S-boxes, on the input (forward) or after InvShiftRows (inverse); the
  // two orders give the same result since both steps act bytewise / by position only.
  // ---------------------------------------------------------------------------------------
  logic [127:0] sub_in, sub_out;
  assign sub_in = state_i;

  for (genvar b = 0; b < 16; b++) begin : gen_sbox
    esp_aes_sbox #(
      .Inverse(Inverse)
    ) u_sbox (
      .data_i(sub_in[8 * b +: 8]),
      .data_o(sub_out[8 * b +: 8])
    );
  end

  // ---------------------------------------------------------------------------------------
  // Permutation, column mixing and key addition
  // ---------------------------------------------------------------------------------------
  logic [127:0] shifted, keyed;

  if (Inverse) begin : gen_inv
    assign shifted = esp_aes_pkg::inv_shift_rows(sub_out);
    assign keyed   = shifted ^ round_key_i;
    assign state_o = final_i ? keyed : esp_aes_pkg::inv_mix_columns(keyed);
  end else begin : gen_fwd
    assign shifted = esp_aes_pkg::shift_rows(sub_out);
    assign keyed   = final_i ? shifted : esp_aes_pkg::mix_columns(shifted);
    assign state_o = keyed ^ round_key_i;
  end

endmodule
