// axi_probe: a test vehicle for the sim/ harness, not part of the ESP kernel. It has esp_top's
// port names (ap_clk, ap_rst_n, s_axi_control_*, m_axi_gmem_*) and just enough behind them to
// prove the AXI4-Lite master and the AXI4 memory model: a register file with byte strobes, a
// read-side-effect counter, an access-stall knob, and a DMA engine that copies or fills memory
// in INCR bursts of up to 16 beats split at 4 KB boundaries (AMBA AXI4, A3.4.1).
//
// Registers (byte offsets):          0x00 id 'PROB' (ro)      0x04/0x08 scratch (rw, wstrb)
//   0x0C pop: reads count up (ro)      0x10/0x14 DMA source     0x18/0x1C DMA destination
//   0x20 DMA length (bytes, x16)       0x24 DMA go: 1 copy, 2 fill   0x28 fill word, 0x2C fill strobes
//   0x30 status: bit0 busy, bit1 done, bit2 read error, bit3 write error, 31-16 bursts written
//   0x34 stall: cycles AWREADY/ARREADY stay low after each access. Other offsets answer SLVERR.
module axi_probe (
  input  logic         ap_clk,
  input  logic         ap_rst_n,
  output logic         interrupt,

  input  logic         s_axi_control_awvalid,
  output logic         s_axi_control_awready,
  input  logic [11:0]  s_axi_control_awaddr,
  input  logic         s_axi_control_wvalid,
  output logic         s_axi_control_wready,
  input  logic [31:0]  s_axi_control_wdata,
  input  logic [3:0]   s_axi_control_wstrb,
  output logic         s_axi_control_bvalid,
  input  logic         s_axi_control_bready,
  output logic [1:0]   s_axi_control_bresp,
  input  logic         s_axi_control_arvalid,
  output logic         s_axi_control_arready,
  input  logic [11:0]  s_axi_control_araddr,
  output logic         s_axi_control_rvalid,
  input  logic         s_axi_control_rready,
  output logic [31:0]  s_axi_control_rdata,
  output logic [1:0]   s_axi_control_rresp,

  output logic         m_axi_gmem_awvalid,
  input  logic         m_axi_gmem_awready,
  output logic [63:0]  m_axi_gmem_awaddr,
  output logic [7:0]   m_axi_gmem_awlen,
  output logic [2:0]   m_axi_gmem_awsize,
  output logic [1:0]   m_axi_gmem_awburst,
  output logic [0:0]   m_axi_gmem_awid,
  output logic         m_axi_gmem_wvalid,
  input  logic         m_axi_gmem_wready,
  output logic [127:0] m_axi_gmem_wdata,
  output logic [15:0]  m_axi_gmem_wstrb,
  output logic         m_axi_gmem_wlast,
  input  logic         m_axi_gmem_bvalid,
  output logic         m_axi_gmem_bready,
  input  logic [1:0]   m_axi_gmem_bresp,
  input  logic [0:0]   m_axi_gmem_bid,
  output logic         m_axi_gmem_arvalid,
  input  logic         m_axi_gmem_arready,
  output logic [63:0]  m_axi_gmem_araddr,
  output logic [7:0]   m_axi_gmem_arlen,
  output logic [2:0]   m_axi_gmem_arsize,
  output logic [1:0]   m_axi_gmem_arburst,
  output logic [0:0]   m_axi_gmem_arid,
  input  logic         m_axi_gmem_rvalid,
  output logic         m_axi_gmem_rready,
  input  logic [127:0] m_axi_gmem_rdata,
  input  logic [1:0]   m_axi_gmem_rresp,
  input  logic         m_axi_gmem_rlast,
  input  logic [0:0]   m_axi_gmem_rid
);

  localparam logic [31:0] ProbeId   = 32'h50524F42;  // 'PROB'
  localparam int unsigned MaxBeats  = 16;            // DMA buffer: one burst of 16 x 16 bytes
  localparam logic [1:0]  RespOkay  = 2'b00;
  localparam logic [1:0]  RespSlvErr = 2'b10;

  // ---------------------------------------------------------------------------------------
  // AXI4-Lite slave: AW and W are taken independently, the write happens once both are held.
  // ---------------------------------------------------------------------------------------
  logic        aw_have_q, w_have_q, bvalid_q, rvalid_q;
  logic [11:0] aw_addr_q;
  logic [31:0] w_data_q, rdata_q;
  logic [3:0]  w_strb_q;
  logic [1:0]  bresp_q, rresp_q;
  logic [31:0] stall_q, stall_cnt_q;
  logic [31:0] scratch0_q, scratch1_q, pop_q;
  logic [63:0] src_q, dst_q;
  logic [31:0] len_q, fill_word_q;
  logic [15:0] fill_strb_q;
  logic        go_copy, go_fill;

  logic aw_fire, w_fire, ar_fire, do_write;
  assign s_axi_control_awready = !aw_have_q && stall_cnt_q == '0;
  assign s_axi_control_wready  = !w_have_q;
  assign s_axi_control_arready = !rvalid_q && stall_cnt_q == '0;
  assign aw_fire  = s_axi_control_awvalid && s_axi_control_awready;
  assign w_fire   = s_axi_control_wvalid && s_axi_control_wready;
  assign ar_fire  = s_axi_control_arvalid && s_axi_control_arready;
  assign do_write = aw_have_q && w_have_q && !bvalid_q;
  assign s_axi_control_bvalid = bvalid_q;
  assign s_axi_control_bresp  = bresp_q;
  assign s_axi_control_rvalid = rvalid_q;
  assign s_axi_control_rdata  = rdata_q;
  assign s_axi_control_rresp  = rresp_q;

  function automatic logic [31:0] merge(logic [31:0] old, logic [31:0] data, logic [3:0] strb);
    for (int i = 0; i < 4; i++) begin
      merge[8*i +: 8] = strb[i] ? data[8*i +: 8] : old[8*i +: 8];
    end
  endfunction

  // DMA state, read back through status
  typedef enum logic [2:0] { DmaIdle, DmaPlan, DmaReadAddr, DmaReadData, DmaWriteAddr,
                             DmaWriteData, DmaWriteResp } dma_state_e;
  dma_state_e  dma_q;
  logic        done_q, rd_err_q, wr_err_q, fill_q;
  logic [15:0] bursts_q;

  logic [31:0] status;
  assign status = {bursts_q, 12'd0, wr_err_q, rd_err_q, done_q, dma_q != DmaIdle};

  assign go_copy = do_write && aw_addr_q == 12'h024 && w_data_q[0] && dma_q == DmaIdle;
  assign go_fill = do_write && aw_addr_q == 12'h024 && w_data_q[1] && dma_q == DmaIdle;

  always_ff @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      aw_have_q <= 1'b0; w_have_q <= 1'b0; bvalid_q <= 1'b0; rvalid_q <= 1'b0;
      aw_addr_q <= '0; w_data_q <= '0; w_strb_q <= '0; bresp_q <= RespOkay;
      rdata_q <= '0; rresp_q <= RespOkay; stall_q <= '0; stall_cnt_q <= '0;
      scratch0_q <= '0; scratch1_q <= '0; pop_q <= '0; src_q <= '0; dst_q <= '0;
      len_q <= '0; fill_word_q <= '0; fill_strb_q <= '0;
    end else begin
      if (stall_cnt_q != '0) stall_cnt_q <= stall_cnt_q - 32'd1;
      if (aw_fire) begin aw_have_q <= 1'b1; aw_addr_q <= s_axi_control_awaddr; end
      if (w_fire) begin
        w_have_q <= 1'b1; w_data_q <= s_axi_control_wdata; w_strb_q <= s_axi_control_wstrb;
      end
      if (do_write) begin
        bvalid_q <= 1'b1;
        bresp_q  <= RespOkay;
        unique case (aw_addr_q)
          12'h004: scratch0_q <= merge(scratch0_q, w_data_q, w_strb_q);
          12'h008: scratch1_q <= merge(scratch1_q, w_data_q, w_strb_q);
          12'h010: src_q[31:0] <= merge(src_q[31:0], w_data_q, w_strb_q);
          12'h014: src_q[63:32] <= merge(src_q[63:32], w_data_q, w_strb_q);
          12'h018: dst_q[31:0] <= merge(dst_q[31:0], w_data_q, w_strb_q);
          12'h01C: dst_q[63:32] <= merge(dst_q[63:32], w_data_q, w_strb_q);
          12'h020: len_q <= merge(len_q, w_data_q, w_strb_q);
          12'h024: ;  // go: started by the DMA block below
          12'h028: fill_word_q <= merge(fill_word_q, w_data_q, w_strb_q);
          12'h02C: fill_strb_q <= 16'(merge({16'd0, fill_strb_q}, w_data_q, w_strb_q));
          12'h034: stall_q <= merge(stall_q, w_data_q, w_strb_q);
          default: bresp_q <= RespSlvErr;
        endcase
      end
      if (bvalid_q && s_axi_control_bready) begin
        bvalid_q <= 1'b0; aw_have_q <= 1'b0; w_have_q <= 1'b0;
        stall_cnt_q <= stall_q;
      end
      if (ar_fire) begin
        rvalid_q <= 1'b1;
        rresp_q  <= RespOkay;
        unique case (s_axi_control_araddr)
          12'h000: rdata_q <= ProbeId;
          12'h004: rdata_q <= scratch0_q;
          12'h008: rdata_q <= scratch1_q;
          12'h00C: begin rdata_q <= pop_q; pop_q <= pop_q + 32'd1; end  // once per AR
          12'h010: rdata_q <= src_q[31:0];
          12'h014: rdata_q <= src_q[63:32];
          12'h018: rdata_q <= dst_q[31:0];
          12'h01C: rdata_q <= dst_q[63:32];
          12'h020: rdata_q <= len_q;
          12'h028: rdata_q <= fill_word_q;
          12'h02C: rdata_q <= {16'd0, fill_strb_q};
          12'h030: rdata_q <= status;
          12'h034: rdata_q <= stall_q;
          default: begin rdata_q <= '0; rresp_q <= RespSlvErr; end
        endcase
      end
      if (rvalid_q && s_axi_control_rready) begin
        rvalid_q <= 1'b0;
        stall_cnt_q <= stall_q;
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // DMA engine: bursts of min(16 beats, what is left, what fits before either 4 KB boundary).
  // ---------------------------------------------------------------------------------------
  logic [63:0]  rd_addr_q, wr_addr_q;
  logic [31:0]  left_q;          // beats still to move
  logic [4:0]   burst_q;         // beats in the current burst
  logic [4:0]   beat_q;
  logic [127:0] buf_q [MaxBeats];

  function automatic logic [4:0] to_boundary(logic [7:0] beat_in_page);  // address bits 11-4
    logic [8:0] beats;
    beats = 9'd256 - {1'b0, beat_in_page};
    to_boundary = (beats > 9'(MaxBeats)) ? 5'(MaxBeats) : beats[4:0];
  endfunction

  logic [4:0] next_burst;
  always_comb begin
    next_burst = (left_q > 32'(MaxBeats)) ? 5'(MaxBeats) : left_q[4:0];
    if (!fill_q && to_boundary(rd_addr_q[11:4]) < next_burst) next_burst = to_boundary(rd_addr_q[11:4]);
    if (to_boundary(wr_addr_q[11:4]) < next_burst) next_burst = to_boundary(wr_addr_q[11:4]);
  end

  assign m_axi_gmem_arvalid = dma_q == DmaReadAddr;
  assign m_axi_gmem_araddr  = rd_addr_q;
  assign m_axi_gmem_arlen   = {3'd0, burst_q} - 8'd1;
  assign m_axi_gmem_arsize  = 3'd4;
  assign m_axi_gmem_arburst = 2'b01;
  assign m_axi_gmem_arid    = 1'b0;
  assign m_axi_gmem_rready  = dma_q == DmaReadData;
  assign m_axi_gmem_awvalid = dma_q == DmaWriteAddr;
  assign m_axi_gmem_awaddr  = wr_addr_q;
  assign m_axi_gmem_awlen   = {3'd0, burst_q} - 8'd1;
  assign m_axi_gmem_awsize  = 3'd4;
  assign m_axi_gmem_awburst = 2'b01;
  assign m_axi_gmem_awid    = 1'b0;
  assign m_axi_gmem_wvalid  = dma_q == DmaWriteData;
  assign m_axi_gmem_wdata   = fill_q ? {4{fill_word_q}} : buf_q[beat_q[3:0]];
  assign m_axi_gmem_wstrb   = fill_q ? fill_strb_q : 16'hFFFF;
  assign m_axi_gmem_wlast   = beat_q == burst_q - 5'd1;
  assign m_axi_gmem_bready  = dma_q == DmaWriteResp;

  always_ff @(posedge ap_clk) begin
    if (!ap_rst_n) begin
      dma_q <= DmaIdle; done_q <= 1'b0; rd_err_q <= 1'b0; wr_err_q <= 1'b0; fill_q <= 1'b0;
      bursts_q <= '0; rd_addr_q <= '0; wr_addr_q <= '0; left_q <= '0; burst_q <= '0;
      beat_q <= '0;
    end else begin
      unique case (dma_q)
        DmaIdle: if (go_copy || go_fill) begin
          rd_addr_q <= src_q; wr_addr_q <= dst_q; left_q <= len_q >> 4; fill_q <= go_fill;
          done_q <= 1'b0; rd_err_q <= 1'b0; wr_err_q <= 1'b0; bursts_q <= '0;
          dma_q <= (len_q >> 4) == '0 ? DmaIdle : DmaPlan;
        end
        DmaPlan: begin  // the burst length is fixed before its address phase starts
          burst_q <= next_burst;
          dma_q   <= fill_q ? DmaWriteAddr : DmaReadAddr;
        end
        DmaReadAddr: if (m_axi_gmem_arready) begin dma_q <= DmaReadData; beat_q <= '0; end
        DmaReadData: if (m_axi_gmem_rvalid) begin
          buf_q[beat_q[3:0]] <= m_axi_gmem_rdata;
          if (m_axi_gmem_rresp != RespOkay) rd_err_q <= 1'b1;
          beat_q <= beat_q + 5'd1;
          if (m_axi_gmem_rlast) dma_q <= DmaWriteAddr;
        end
        DmaWriteAddr: if (m_axi_gmem_awready) begin dma_q <= DmaWriteData; beat_q <= '0; end
        DmaWriteData: if (m_axi_gmem_wready) begin
          beat_q <= beat_q + 5'd1;
          if (m_axi_gmem_wlast) dma_q <= DmaWriteResp;
        end
        DmaWriteResp: if (m_axi_gmem_bvalid) begin
          if (m_axi_gmem_bresp != RespOkay) wr_err_q <= 1'b1;
          bursts_q  <= bursts_q + 16'd1;
          left_q    <= left_q - 32'(burst_q);
          rd_addr_q <= rd_addr_q + {55'd0, burst_q, 4'd0};
          wr_addr_q <= wr_addr_q + {55'd0, burst_q, 4'd0};
          if (left_q == 32'(burst_q)) begin
            dma_q <= DmaIdle; done_q <= 1'b1;
          end else begin
            dma_q <= DmaPlan;
          end
        end
        default: dma_q <= DmaIdle;
      endcase
    end
  end

  assign interrupt = done_q;

  logic unused;
  assign unused = ^{m_axi_gmem_bid, m_axi_gmem_rid};

endmodule
