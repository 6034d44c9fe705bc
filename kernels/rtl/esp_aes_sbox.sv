// esp_aes_sbox: one AES S-box (or inverse S-box), FIPS-197 5.1.1 / 5.3.2, as a 256-entry
// table that synthesis maps to LUTs (8-input function per output bit). Combinational.
module esp_aes_sbox #(
  parameter bit Inverse = 1'b0  // 1: InvSubBytes table (decryption)
) (
  input  logic [7:0] data_i,
  output logic [7:0] data_o
);

  if (Inverse) begin : gen_inv
    assign data_o = esp_aes_pkg::SboxInv[8 * data_i +: 8];
  end else begin : gen_fwd
    assign data_o = esp_aes_pkg::SboxFwd[8 * data_i +: 8];
  end

endmodule
