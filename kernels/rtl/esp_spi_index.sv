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
  // A plain vector, not entry_t: Yosys 0.55 reads an unpacked array of a module-local packed
  // struct as one register (no RAM). Entries are {used, slot, spi}, cast to and from entry_t.
  logic [48:0] table_q [Entries];

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
  state_e state_d;
  logic done_q, found_q;
  logic found_d;
  logic done_d;
  logic [15:0] hit_slot_q;
  logic [15:0] hit_slot_d;

  logic [1:0]         op_q;

  logic [1:0] op_d;
  logic [31:0]        spi_q;
  logic [31:0] spi_d;
  logic [15:0]        slot_q;
  logic [15:0] slot_d;
  logic [IdxBits-1:0] i_q, j_q;
  logic [IdxBits-1:0] j_d;
  logic [IdxBits-1:0] i_d;
  logic [IdxBits:0]   probes_q;
  logic [IdxBits:0] probes_d;
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
      Idle: begin  // the first probe's read goes out with the start (no ProbeRead clock)
        rd_en  = start_i && op_i != OpClear;
        rd_idx = home(spi_i);
      end
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

  always_comb begin
    done_d = done_q;
    op_d = op_q;
    spi_d = spi_q;
    slot_d = slot_q;
    i_d = i_q;
    probes_d = probes_q;
    found_d = found_q;
    state_d = state_q;
    hit_slot_d = hit_slot_q;
    j_d = j_q;

    done_d = 1'b0;
    unique case (state_q)
      Idle: begin
        if (start_i) begin
          op_d = op_i;
          spi_d = spi_i;
          slot_d = slot_i;
          i_d = (op_i == OpClear) ? '0 : home(spi_i);
          probes_d = '0;
          found_d = 1'b0;
          state_d = (op_i == OpClear) ? Clear : Probe;
        end
      end
      ProbeRead: state_d = Probe;
      Probe: begin
        if (!rd_q.used) begin
          state_d = Done;  // find/erase: absent; insert: written
        end else if (rd_q.spi == spi_q) begin
          found_d = 1'b1;
          hit_slot_d = rd_q.slot;
          if (op_q == OpErase) begin
            j_d = i_q + 1'b1;
            state_d = EraseScanRead;
          end else begin
            state_d = Done;
          end
        end else if (probes_q == (IdxBits + 1)'(Entries - 1)) begin
          state_d = Done;
        end else begin
          i_d = i_q + 1'b1;
          probes_d = probes_q + 1'b1;
          state_d = ProbeRead;
        end
      end
      EraseScanRead: state_d = EraseScan;
      EraseScan: begin
        if (!rd_q.used) begin
          state_d = Done;
        end else if (!stays) begin
          // Moved into the hole; j is the new hole, which the next moved entry fills or
          // which is emptied when the cluster ends.
          i_d = j_q;
          j_d = j_q + 1'b1;
          state_d = EraseClearHole;
        end else begin
          j_d = j_q + 1'b1;
          state_d = EraseScanRead;
        end
      end
      EraseClearHole: state_d = EraseScanRead;
      Clear: begin
        i_d = i_q + 1'b1;
        if (i_q == IdxBits'(Entries - 1)) state_d = Done;
      end
      Done: begin
        done_d = 1'b1;
        state_d = Idle;
      end
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= Idle;
      done_q  <= 1'b0;
      found_q <= 1'b0;
      hit_slot_q  <= '0;
    end else begin
      state_q <= state_d;
      done_q <= done_d;
      found_q <= found_d;
      hit_slot_q <= hit_slot_d;
    end
  end

  always_ff @(posedge clk_i) begin
    op_q <= op_d;
    spi_q <= spi_d;
    slot_q <= slot_d;
    i_q <= i_d;
    probes_q <= probes_d;
    j_q <= j_d;
  end

  assign busy_o = state_q != Idle;

  assign done_o  = done_q;
  assign found_o = found_q;
  assign slot_o  = hit_slot_q;

endmodule
