// esp_aes_sub_bytes_rom: SubBytes (or InvSubBytes) of a 16-byte state, registered: the
// S-box is a 256 x 8 ROM shared by two bytes, one read port each, so synthesis places each
// pair in one BRAM18 (both its ports) instead of ~32 LUTs per byte (FIPS-197 5.1.1 / 5.3.2,
// table from esp_aes_pkg). data_o is the substituted data_i of the clock before: a pipeline
// puts this where its stage register was, and the register is the block RAM's own.
module esp_aes_sub_bytes_rom #(
  parameter bit Inverse = 1'b0  // 1: InvSubBytes (decryption)
) (
  input  logic         clk_i,
  input  logic [127:0] data_i,
  output logic [127:0] data_o
);

  for (genvar p = 0; p < 8; p++) begin : gen_pair
    (* rom_style = "block" *) logic [7:0] rom [256];
    initial begin
      for (int unsigned i = 0; i < 256; i++) begin
        rom[i] = Inverse ? esp_aes_pkg::inv_sbox(8'(i)) : esp_aes_pkg::sbox(8'(i));
      end
    end
    always_ff @(posedge clk_i) begin
      data_o[16 * p +: 8]     <= rom[data_i[16 * p +: 8]];
      data_o[16 * p + 8 +: 8] <= rom[data_i[16 * p + 8 +: 8]];
    end
  end

endmodule
