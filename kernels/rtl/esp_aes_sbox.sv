// esp_aes_sbox: one AES S-box (or inverse S-box), FIPS-197 5.1.1 / 5.3.2, combinational:
// synthesis maps the 256-way case of esp_aes_pkg::sbox / inv_sbox to LUTs (an 8-input
// function per output bit), the simulator to a lookup table. The key expansion uses it; the
// pipes' rounds take their SubBytes registered from esp_aes_sub_bytes_rom.
module esp_aes_sbox #(
  parameter bit Inverse = 1'b0  // 1: InvSubBytes (decryption)
) (
  input  logic [7:0] data_i,
  output logic [7:0] data_o
);

  assign data_o = Inverse ? esp_aes_pkg::inv_sbox(data_i) : esp_aes_pkg::sbox(data_i);

endmodule
