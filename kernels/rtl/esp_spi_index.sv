// esp_spi_index: inbound SPI -> SA slot (docs/hardware.md, hls/spi_index.cpp): an
// open-addressed hash table of 2 x SA capacity entries, linear probing from a Fibonacci hash
// of the SPI, deletion by shifting later members of the cluster back (Knuth 6.4 Algorithm
// R), so probe lengths never grow with churn. One RAM (one read port, registered), one
// probe per two clocks.
module esp_spi_index #(
  parameter int unsigned SaCapacity = 4096
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,     // one-clock pulse, accepted when !busy_o
  input  logic [1:0]  op_i,        // OpFind / OpInsert / OpErase / OpClear
  input  logic [31:0] spi_i,
  input  logic [15:0] slot_i,      // insert
  output logic        busy_o,
  output logic        done_o,      // one clock
  output logic        found_o,     // find: hit (valid with done_o and after)
  output logic [15:0] slot_o       // find: the slot
);
  localparam int unsigned Entries = 2 * SaCapacity;
  localparam int unsigned IdxBits = $clog2(Entries);
  localparam logic [1:0] OpInsert = 2'd1, OpErase = 2'd2, OpClear = 2'd3;  // 0: find

  // Entry: {used, slot, spi}.
  typedef struct packed {
    logic        used;
    logic [15:0] slot;
    logic [31:0] spi;
  } entry_t;
  entry_t table_q [Entries];

  function automatic logic [IdxBits-1:0] home(logic [31:0] spi);
    home = IdxBits'(({32'd0, spi} * 64'h9E3779B9) >> 16);
  endfunction

  typedef enum logic [3:0] {
    Idle,
    ProbeRead,
    Probe,
    EraseScanRead,
    EraseScan,
    EraseClearHole,
    Clear,
    Done
  } state_e;
  state_e state_q;

  logic [1:0]         op_q;
  logic [31:0]        spi_q;
  logic [15:0]        slot_q;
  logic [IdxBits-1:0] i_q, j_q;
  logic [IdxBits:0]   probes_q;
  entry_t             rd_q;
  logic               rd_en;
  logic [IdxBits-1:0] rd_idx;
  logic               wr_en;
  logic [IdxBits-1:0] wr_idx;
  entry_t             wr_entry;

  always_ff @(posedge clk_i) begin
    if (rd_en) rd_q <= table_q[rd_idx];
    if (wr_en) table_q[wr_idx] <= wr_entry;
  end

  // Does the entry at j (home h) stay, with the hole at i? It stays when h lies cyclically
  // in (i, j].
  logic [IdxBits-1:0] h_j;
  logic               stays;
  assign h_j   = home(rd_q.spi);
  assign stays = (i_q <= j_q) ? (i_q < h_j && h_j <= j_q) : (i_q < h_j || h_j <= j_q);

  always_comb begin
    rd_en    = 1'b0;
    rd_idx   = i_q;
    wr_en    = 1'b0;
    wr_idx   = i_q;
    wr_entry = '0;
    unique case (state_q)
      ProbeRead:     rd_en = 1'b1;
      EraseScanRead: begin
        rd_en  = 1'b1;
        rd_idx = j_q;
      end
      Probe: begin
        if (op_q == OpInsert && (!rd_q.used || rd_q.spi == spi_q)) begin
          wr_en    = 1'b1;
          wr_entry = {1'b1, slot_q, spi_q};  // {used, slot, spi}
        end else if (op_q == OpErase && rd_q.used && rd_q.spi == spi_q) begin
          wr_en = 1'b1;  // empty i, then scan the cluster
        end
      end
      EraseScan: begin
        if (rd_q.used && !stays) begin
          wr_en    = 1'b1;  // move entry j into the hole at i
          wr_entry = rd_q;
        end
      end
      EraseClearHole: wr_en = 1'b1;  // the moved entry's old place is the new hole
      Clear: wr_en = 1'b1;
      default: ;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= Idle;
      done_o  <= 1'b0;
      found_o <= 1'b0;
      slot_o  <= '0;
    end else begin
      done_o <= 1'b0;
      unique case (state_q)
        Idle: begin
          if (start_i) begin
            op_q     <= op_i;
            spi_q    <= spi_i;
            slot_q   <= slot_i;
            i_q      <= (op_i == OpClear) ? '0 : home(spi_i);
            probes_q <= '0;
            found_o  <= 1'b0;
            state_q  <= (op_i == OpClear) ? Clear : ProbeRead;
          end
        end
        ProbeRead: state_q <= Probe;
        Probe: begin
          if (!rd_q.used) begin
            state_q <= Done;  // find/erase: absent; insert: written
          end else if (rd_q.spi == spi_q) begin
            found_o <= 1'b1;
            slot_o  <= rd_q.slot;
            if (op_q == OpErase) begin
              j_q     <= i_q + 1'b1;
              state_q <= EraseScanRead;
            end else begin
              state_q <= Done;
            end
          end else if (probes_q == (IdxBits + 1)'(Entries - 1)) begin
            state_q <= Done;
          end else begin
            i_q      <= i_q + 1'b1;
            probes_q <= probes_q + 1'b1;
            state_q  <= ProbeRead;
          end
        end
        EraseScanRead: state_q <= EraseScan;
        EraseScan: begin
          if (!rd_q.used) begin
            state_q <= Done;
          end else if (!stays) begin
            // Moved into the hole; j is the new hole, which the next moved entry fills or
            // which is emptied when the cluster ends.
            i_q     <= j_q;
            j_q     <= j_q + 1'b1;
            state_q <= EraseClearHole;
          end else begin
            j_q     <= j_q + 1'b1;
            state_q <= EraseScanRead;
          end
        end
        EraseClearHole: state_q <= EraseScanRead;
        Clear: begin
          i_q <= i_q + 1'b1;
          if (i_q == IdxBits'(Entries - 1)) state_q <= Done;
        end
        Done: begin
          done_o  <= 1'b1;
          state_q <= Idle;
        end
        default: state_q <= Idle;
      endcase
    end
  end

  assign busy_o = state_q != Idle;

endmodule
