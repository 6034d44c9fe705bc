// esp_pkt_buf: the kernel's local packet buffer (2^17 bytes) with one 16-byte read and one
// 16-byte write per clock at any byte address, so ESP framing works on unaligned windows.
// Two banks of 128-bit words (even and odd word addresses), each a simple dual-port RAM
// with byte enables (inferable as BRAM/URAM); an access touches word w in one bank and w+1
// in the other. Reads return one clock later and hold until the next read. A second read
// port (the DMA's, so a store can stream out while the cipher reads and writes the same
// packet) reads a copy of both banks that every write also updates.
module esp_pkt_buf #(
  parameter int unsigned AddrBits = esp_kernel_pkg::BufAddrBits
) (
  input  logic                clk_i,
  input  logic                rd_en_i,
  input  logic [AddrBits-1:0] rd_addr_i,
  output logic [127:0]        rd_data_o,   // byte 0 in [127:120]
  input  logic                rd2_en_i,    // second read port, same timing
  input  logic [AddrBits-1:0] rd2_addr_i,
  output logic [127:0]        rd2_data_o,
  input  logic                wr_en_i,
  input  logic [AddrBits-1:0] wr_addr_i,
  input  logic [127:0]        wr_data_i,
  input  logic [15:0]         wr_mask_i    // bit 15 = byte 0
);
  localparam int unsigned WordBits = AddrBits - 4;
  localparam int unsigned Depth = 1 << (WordBits - 1);

  logic [127:0] bank0_q [Depth];  // even words
  logic [127:0] bank1_q [Depth];  // odd words
  logic [127:0] bank0b_q [Depth];  // the second read port's copies
  logic [127:0] bank1b_q [Depth];

  // Word w lives in bank w[0] at w >> 1; words w and w+1 sit at (w+1)>>1 in bank 0 and
  // w>>1 in bank 1 whichever is even.
  logic [WordBits-1:0] rd_word, wr_word;
  assign rd_word = rd_addr_i[AddrBits-1:4];
  assign wr_word = wr_addr_i[AddrBits-1:4];
  logic [WordBits-1:0] rd_word_next, wr_word_next;
  assign rd_word_next = rd_word + 1'b1;
  assign wr_word_next = wr_word + 1'b1;

  // ---------------------------------------------------------------------------------------
  // Read: both banks, then realign by the byte offset
  // ---------------------------------------------------------------------------------------
  logic [127:0] q0, q1;
  logic [3:0]   rd_off_q;
  logic         rd_odd_q;
  always_ff @(posedge clk_i) begin
    if (rd_en_i) begin
      q0       <= bank0_q[rd_word[0] ? rd_word_next[WordBits-1:1] : rd_word[WordBits-1:1]];
      q1       <= bank1_q[rd_word[WordBits-1:1]];
      rd_off_q <= rd_addr_i[3:0];
      rd_odd_q <= rd_word[0];
    end
  end
  logic [255:0] rd_pair, rd_shifted;
  assign rd_pair    = rd_odd_q ? {q1, q0} : {q0, q1};
  assign rd_shifted = rd_pair << (8 * rd_off_q);
  assign rd_data_o  = rd_shifted[255:128];

  logic [WordBits-1:0] rd2_word, rd2_word_next;
  assign rd2_word      = rd2_addr_i[AddrBits-1:4];
  assign rd2_word_next = rd2_word + 1'b1;
  logic [127:0] p0, p1;
  logic [3:0]   rd2_off_q;
  logic         rd2_odd_q;
  always_ff @(posedge clk_i) begin
    if (rd2_en_i) begin
      p0        <= bank0b_q[rd2_word[0] ? rd2_word_next[WordBits-1:1] : rd2_word[WordBits-1:1]];
      p1        <= bank1b_q[rd2_word[WordBits-1:1]];
      rd2_off_q <= rd2_addr_i[3:0];
      rd2_odd_q <= rd2_word[0];
    end
  end
  logic [255:0] rd2_pair, rd2_shifted;
  assign rd2_pair    = rd2_odd_q ? {p1, p0} : {p0, p1};
  assign rd2_shifted = rd2_pair << (8 * rd2_off_q);
  assign rd2_data_o  = rd2_shifted[255:128];

  logic unused_buf;
  assign unused_buf = ^{rd_shifted[127:0], rd2_shifted[127:0], rd_word_next[0], rd2_word_next[0],
                        wr_word_next[0]};

  // ---------------------------------------------------------------------------------------
  // Write: spread data and mask over words w and w+1, byte enables per bank
  // ---------------------------------------------------------------------------------------
  logic [255:0] wr_pair;
  logic [31:0]  wr_pair_mask;
  assign wr_pair      = {wr_data_i, 128'd0} >> (8 * wr_addr_i[3:0]);
  assign wr_pair_mask = {wr_mask_i, 16'd0} >> wr_addr_i[3:0];
  logic [127:0] wr_data0, wr_data1;
  logic [15:0]  wr_mask0, wr_mask1;
  logic [WordBits-2:0] wr_idx0, wr_idx1;
  always_comb begin
    wr_idx1 = wr_word[WordBits-1:1];
    if (wr_word[0]) begin  // word w odd: bank 1 takes the first half
      wr_idx0  = wr_word_next[WordBits-1:1];
      wr_data1 = wr_pair[255:128];
      wr_mask1 = wr_pair_mask[31:16];
      wr_data0 = wr_pair[127:0];
      wr_mask0 = wr_pair_mask[15:0];
    end else begin
      wr_idx0  = wr_word[WordBits-1:1];
      wr_data0 = wr_pair[255:128];
      wr_mask0 = wr_pair_mask[31:16];
      wr_data1 = wr_pair[127:0];
      wr_mask1 = wr_pair_mask[15:0];
    end
  end
  always_ff @(posedge clk_i) begin
    if (wr_en_i) begin
      for (int unsigned b = 0; b < 16; b++) begin
        if (wr_mask0[15 - b]) bank0_q[wr_idx0][127 - 8 * b -: 8] <= wr_data0[127 - 8 * b -: 8];
        if (wr_mask1[15 - b]) bank1_q[wr_idx1][127 - 8 * b -: 8] <= wr_data1[127 - 8 * b -: 8];
        if (wr_mask0[15 - b]) bank0b_q[wr_idx0][127 - 8 * b -: 8] <= wr_data0[127 - 8 * b -: 8];
        if (wr_mask1[15 - b]) bank1b_q[wr_idx1][127 - 8 * b -: 8] <= wr_data1[127 - 8 * b -: 8];
      end
    end
  end

endmodule
