// esp_aes_round: one AES round, combinational (FIPS-197 5.1 cipher / 5.3 inverse cipher).
// Forward: SubBytes, ShiftRows, MixColumns (skipped in the final round), AddRoundKey.
// Inverse: InvShiftRows, InvSubBytes, AddRoundKey, InvMixColumns (skipped in the final round).
// The state arrives through (Inv)SubBytes already: the pipes register it in
// esp_aes_sub_bytes_rom's block RAMs in place of a stage register, so a round costs one
// clock and has no S-boxes of its own.
module esp_aes_round #(
  parameter bit Inverse = 1'b0
) (
  input  logic [127:0] state_i,
  input  logic [127:0] round_key_i,
  input  logic         final_i,      // last round of the cipher: no (Inv)MixColumns
  output logic [127:0] state_o
);

  // ---------------------------------------------------------------------------------------
  // The substitution came first (forward) or may come first (inverse: InvShiftRows and
  // InvSubBytes commute, both act bytewise / by position only): state_i is substituted.
  // ---------------------------------------------------------------------------------------
  logic [127:0] sub_out;
  assign sub_out = state_i;

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
