// esp_core: the kernel's sequencer (docs/hardware.md). Between passes it runs the sa_cmd
// operations (install: AES key expansion, H = AES_K(0), replay bitmap, SPI index; read;
// invalidate) and the soft reset sweep. A pass takes up to 64 posted descriptors: outbound
// jobs complete in the first step, inbound jobs are prepared (outer headers, SPI, replay
// pre-check) all before any is finalized, in job order; then the ESN high halves and the
// completions are written in descriptor order. Owns the SA table, SPI index, event FIFO,
// packet buffer, DMA and the crypto engines, which one job at a time borrows; the loader
// below brings the next job's packet into the other buffer region meanwhile.
module esp_core #(
  parameter int unsigned SaCapacity = 4096,
  parameter bit          EnableCbc  = 1'b1  // 0: a GCM-only kernel (no CBC, no HMAC engines)
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  // Registers (esp_top)
  input  logic                          enable_i,
  input  logic [63:0]                   desc_ring_i,
  input  logic [63:0]                   cmpl_ring_i,
  input  logic [31:0]                   ring_size_i,
  input  logic [31:0]                   desc_tail_i,
  input  logic                          ring_reset_i,   // ring_size written
  input  logic [31:0]                   sa_index_i,
  input  esp_kernel_pkg::rec_t          stage_i,
  // Commands; cmd_done_o acknowledges sa_cmd and soft reset
  input  logic                          sa_cmd_i,
  input  logic [1:0]                    sa_op_i,         // 1 write, 2 read, 3 invalidate
  input  logic                          soft_reset_i,
  output logic                          cmd_done_o,
  output logic                          stage_load_o,    // stage <= stage_data_o
  output esp_kernel_pkg::rec_t          stage_data_o,
  output logic                          stage_clear_keys_o,
  output logic [31:0]                   desc_head_o,
  output logic [31:0]                   cmpl_tail_o,
  output logic                          busy_o,
  // Events
  input  logic                          ev_pop_i,
  output logic [31:0]                   ev_data_o,       // the popped event, the clock after
  output logic [31:0]                   ev_count_o,
  // AXI4 master
  output logic                          m_axi_awvalid,
  input  logic                          m_axi_awready,
  output logic [63:0]                   m_axi_awaddr,
  output logic [7:0]                    m_axi_awlen,
  output logic                          m_axi_wvalid,
  input  logic                          m_axi_wready,
  output logic [127:0]                  m_axi_wdata,
  output logic [15:0]                   m_axi_wstrb,
  output logic                          m_axi_wlast,
  input  logic                          m_axi_bvalid,
  output logic                          m_axi_bready,
  output logic                          m_axi_arvalid,
  input  logic                          m_axi_arready,
  output logic [63:0]                   m_axi_araddr,
  output logic [7:0]                    m_axi_arlen,
  input  logic                          m_axi_rvalid,
  output logic                          m_axi_rready,
  input  logic [127:0]                  m_axi_rdata,
  input  logic                          m_axi_rlast
);
  localparam int unsigned AB = esp_kernel_pkg::BufAddrBits;
  localparam int unsigned EvDepth = 2 * SaCapacity;  // three events per install at most
  localparam int unsigned EvBits = $clog2(EvDepth);
  localparam logic [AB-1:0] CmplArea = esp_kernel_pkg::DescArea + 17'h800;  // 64 completions
  localparam logic [1:0] SpiFind = 2'd0, SpiInsert = 2'd1, SpiErase = 2'd2, SpiClear = 2'd3;

  typedef enum logic [5:0] {
    Idle,
    RstSweep,
    RstSpi,
    CmdDone,
    SaRead,
    SaDispatch,
    SaFindOld,
    SaEraseOld,
    SaExpand,
    SaH,
    SaH2,
    SaReplay,
    SaIndex,
    SaWrite,
    PassStart,
    Fetch,
    JobNext,
    JobRead1,
    JobParse,
    JobSaRead,
    JobRun,
    JobEnd,
    EvPush,
    CmplWrite,
    CmplDma
  } state_e;
  state_e state_q;
  state_e state_d;

  // ---------------------------------------------------------------------------------------
  // Memories and engines
  // ---------------------------------------------------------------------------------------
  logic                          rec_en, rec_we, key_en, key_we, rp_en, rp_we;
  logic [15:0]                   rec_idx, key_idx, rp_idx;
  logic [4:0]                    rp_word;
  esp_kernel_pkg::rec_t          rec_wdata, rec_rdata;
  logic [esp_kernel_pkg::KeyBits-1:0] key_wdata, key_rdata, key_q;
  logic [esp_kernel_pkg::KeyBits-1:0] key_d;
  logic [127:0]                  rp_wdata, rp_rdata;
  esp_sa_table #(
    .SaCapacity(SaCapacity)
  ) u_table (
    .clk_i,
    .rec_en_i   (rec_en),
    .rec_we_i   (rec_we),
    .rec_idx_i  (rec_idx),
    .rec_wdata_i(rec_wdata),
    .rec_rdata_o(rec_rdata),
    .key_en_i   (key_en),
    .key_we_i   (key_we),
    .key_idx_i  (key_idx),
    .key_wdata_i(key_wdata),
    .key_rdata_o(key_rdata),
    .rp_en_i    (rp_en),
    .rp_we_i    (rp_we),
    .rp_idx_i   (rp_idx),
    .rp_word_i  (rp_word),
    .rp_wdata_i (rp_wdata),
    .rp_rdata_o (rp_rdata)
  );

  logic        spi_start, spi_busy, spi_done, spi_found;
  logic [1:0]  spi_op;
  logic [31:0] spi_key;
  logic [15:0] spi_slot_in, spi_slot;
  esp_spi_index #(
    .SaCapacity(SaCapacity)
  ) u_spi (
    .clk_i,
    .rst_ni,
    .start_i(spi_start),
    .op_i   (spi_op),
    .spi_i  (spi_key),
    .slot_i (spi_slot_in),
    .busy_o (spi_busy),
    .done_o (spi_done),
    .found_o(spi_found),
    .slot_o (spi_slot)
  );

  // The buffer: four packet regions and the descriptor area, each with its own write
  // port, so the read engine's loads into the next jobs' regions, the running job (cipher,
  // MAC, framer) in another and the previous job's store from a fourth never share a port.
  // Job i of the pass uses region i mod 4; the read engine writes the region its request
  // (the oldest not done) names, the write engine reads through the second read port of the
  // region its read names (wr_rd_region: the queued request's on the clock the running one
  // ends), its data a clock later coming from the running request's (wr_region).
  esp_kernel_pkg::buf_req_t job_buf, rd_buf, wr_buf, crypt_buf, out_buf, in_buf,
                            core_buf;
  esp_kernel_pkg::region_e  rd_region, wr_region, wr_rd_region, job_region;
  // esp_crypt's two message slots: the region of the job that issued each (taken on the
  // request's clock); its reads and writes name their slot.
  logic [1:0][1:0]          crypt_reg_q, crypt_reg_d;
  logic                     crypt_tail;                      // esp_crypt tail_o
  logic                     crypt_ready_gcm, crypt_slot, crypt_rd_slot, crypt_wr_slot, crypt_icv_slot;
  logic [1:0]               crypt_store;
  logic [1:0][31:0]         crypt_slot_written;
  logic [1:0]               crypt_rd_reg_q, crypt_rd_reg_d;  // region of last clock's read
  // esp_crypt's CBC encryption chains: the region of the job that took each (on its
  // request's clock); a chain's reads and writes name it (one-hot), the others their slot.
  // The outbound framer ends once its MAC is started on its region's lane, so the next
  // jobs' encryptions start while earlier ones still run: a chain per packet region that can
  // be in flight (a fourth region is loading or storing meanwhile).
  localparam int unsigned CbcChains = EnableCbc ? 3 : 1;
  logic [CbcChains-1:0][1:0]  crypt_chain_reg_q, crypt_chain_reg_d;
  logic [CbcChains-1:0]       crypt_chain, crypt_chain_busy, crypt_chain_done;
  logic [CbcChains-1:0]       crypt_rd_chain, crypt_wr_chain;
  logic [CbcChains-1:0][31:0] crypt_chain_written;
  logic                       crypt_ready_cbc, crypt_ready_ecb;
  logic [1:0]                 cr_rd_reg, cr_wr_reg;  // the region of the cipher's read / write
  esp_kernel_pkg::buf_req_t crypt_icv;
  logic                     out_wr_ok;  // the cipher does not write this clock
  logic                     out_overlay;  // the outbound framer may write the cipher's region
  localparam int unsigned NR = esp_kernel_pkg::PktRegions;
  logic [NR-1:0]        reg_chain;  // the regions of the busy CBC chains
  localparam int unsigned RB = esp_kernel_pkg::RegionAddrBits;
  localparam int unsigned DB = esp_kernel_pkg::DescAddrBits;
  logic [127:0] buf_rd, desc_rd, wr_rd, desc_rd2;
  logic [NR-1:0]        reg_job, reg_load, reg_store, reg_cr, reg_cr_wr, reg_job_wr;
  logic [NR-1:0]        reg_cr_rd, reg_cr_bw, reg_cr_icv, reg_in_rd, reg_nx_rd;
  // The HMAC lanes (one esp_hmac_stream per region, below): each reads its own region on the
  // clocks nobody else reads there (reg_oth_rd).
  logic [NR-1:0]        reg_oth_rd, ln_rd_en;
  logic [NR-1:0][RB-1:0] ln_rd_addr;
  logic [NR-1:0][127:0]  ln_icv;
  // Outbound CBC (below the lanes): the ICV a region's lane computed, written behind the
  // ciphertext on a clock nobody else writes there.
  logic [NR-1:0]         ob_icv_wr, ob_sha1_q;
  logic [NR-1:0][RB-1:0] ob_addr_q;
  esp_kernel_pkg::buf_req_t nx_buf;   // the next inbound job's prologue reads (its region)
  logic [127:0]             nx_rd;
  esp_kernel_pkg::region_e  nx_region;
  logic                     in_nx_req, in_nx_issued, in_tag_wait;
  logic [127:0]         crypt_rd;
  logic [NR-1:0][127:0] reg_rd, reg_rd2;
  logic         desc_load;
  logic         ld_rd_en;
  logic [AB-1:0] ld_rd_addr;
  assign job_region = esp_kernel_pkg::region_of(i_q);
  assign desc_load  = rd_buf.wr_en && rd_region == esp_kernel_pkg::RegionDesc;
  for (genvar r = 0; r < NR; r++) begin : g_region
    assign reg_job[r]   = job_region == esp_kernel_pkg::region_e'(3'(r));
    assign reg_load[r]  = rd_buf.wr_en && rd_region == esp_kernel_pkg::region_e'(3'(r));
    assign reg_store[r] = wr_buf.rd_en && wr_rd_region == esp_kernel_pkg::region_e'(3'(r));
    // The cipher works in the regions of the jobs that issued its messages (crypt_reg_q by
    // slot), which after an outbound GCM's tail began are no longer the running job's: the
    // next job's framer has its own region's port meanwhile. In the cipher's regions the
    // framer reads nothing and writes only on the cipher's idle clocks (its outer headers).
    // Two messages in flight are never in one region (crypt_gcm_ok below).
    // An inbound GCM job whose request is in keeps its region the cipher's until its tag,
    // also once the next job's request took the other slot (its last blocks are read then).
    // A region with a running CBC chain is the cipher's too (reg_chain): several chains run
    // in earlier jobs' regions while the newest request is another job's.
    assign reg_cr[r]     = reg_chain[r] ||
                           crypt_busy && (crypt_reg_q[!crypt_slot] == 2'(r) ||
                                          (crypt_store[crypt_slot] && crypt_reg_q[crypt_slot] == 2'(r)) ||
                                          (in_tag_wait && state_q == JobRun && reg_job[r]));
    assign reg_cr_rd[r]  = crypt_buf.rd_en && cr_rd_reg == 2'(r);
    assign reg_cr_bw[r]  = crypt_buf.wr_en && cr_wr_reg == 2'(r);
    assign reg_cr_icv[r] = crypt_icv.wr_en && crypt_reg_q[crypt_icv_slot] == 2'(r);
    assign reg_cr_wr[r]  = reg_cr_bw[r] || reg_cr_icv[r];
    assign reg_job_wr[r] = reg_job[r] && job_buf.wr_en &&
                           (!reg_cr[r] || out_overlay);
    // An inbound GCM framer reads its plaintext while its tag is still being computed (the
    // cipher has read its last block by then), and an outbound CBC MAC its ciphertext
    // behind the encryption: on any clock the cipher does not read (its lane, g_lane).
    assign reg_in_rd[r]  = reg_job[r] && job_buf.rd_en && (job_in_q || hmac_busy) &&
                           state_q == JobRun && !reg_cr_rd[r];
    // The next inbound job's prologue reads its ESP header and ICV in its own region,
    // before its request: neither the cipher nor another framer reads there then.
    assign reg_nx_rd[r]  = nx_buf.rd_en && nx_region == esp_kernel_pkg::region_e'(3'(r));
    assign reg_oth_rd[r] = reg_nx_rd[r] ||
                           (reg_cr[r] ? (reg_cr_rd[r] || reg_in_rd[r]) : (reg_job[r] && job_buf.rd_en));
    esp_pkt_buf #(
      .AddrBits(RB)
    ) u_buf (
      .clk_i,
      .rd_en_i   (reg_oth_rd[r] || ln_rd_en[r]),
      .rd_addr_i (reg_nx_rd[r] ? nx_buf.rd_addr[RB-1:0] :
                  (reg_cr[r] && reg_cr_rd[r]) ? crypt_buf.rd_addr[RB-1:0] :
                  reg_oth_rd[r] ? job_buf.rd_addr[RB-1:0] : ln_rd_addr[r]),
      .rd_data_o (reg_rd[r]),
      .rd2_en_i  (reg_store[r]),
      .rd2_addr_i(wr_buf.rd_addr[RB-1:0]),
      .rd2_data_o(reg_rd2[r]),
      .wr_en_i   (reg_load[r] || reg_cr_wr[r] || reg_job_wr[r] || ob_icv_wr[r]),
      .wr_addr_i (reg_load[r] ? rd_buf.wr_addr[RB-1:0] :
                  reg_cr_icv[r] ? crypt_icv.wr_addr[RB-1:0] :
                  reg_cr_bw[r] ? crypt_buf.wr_addr[RB-1:0] :
                  ob_icv_wr[r] ? ob_addr_q[r] : job_buf.wr_addr[RB-1:0]),
      .wr_data_i (reg_load[r] ? rd_buf.wr_data : reg_cr_icv[r] ? crypt_icv.wr_data :
                  reg_cr_bw[r] ? crypt_buf.wr_data : ob_icv_wr[r] ? ln_icv[r] : job_buf.wr_data),
      .wr_mask_i (reg_load[r] ? rd_buf.wr_mask : reg_cr_icv[r] ? crypt_icv.wr_mask :
                  reg_cr_bw[r] ? crypt_buf.wr_mask :
                  ob_icv_wr[r] ? (ob_sha1_q[r] ? 16'hFFF0 : 16'hFFFF) : job_buf.wr_mask)
    );
  end
  // Descriptors, completions, the seq_hi words: the core's (and the loader's) reads on the
  // first port, the write engine on the second.
  esp_pkt_buf #(
    .AddrBits(DB)
  ) u_desc (
    .clk_i,
    .rd_en_i   (core_buf.rd_en || ld_rd_en),
    .rd_addr_i (core_buf.rd_en ? core_buf.rd_addr[DB-1:0] : ld_rd_addr[DB-1:0]),
    .rd_data_o (desc_rd),
    .rd2_en_i  (wr_buf.rd_en && wr_rd_region == esp_kernel_pkg::RegionDesc),
    .rd2_addr_i(wr_buf.rd_addr[DB-1:0]),
    .rd2_data_o(desc_rd2),
    .wr_en_i   (desc_load || core_buf.wr_en),
    .wr_addr_i (desc_load ? rd_buf.wr_addr[DB-1:0] : core_buf.wr_addr[DB-1:0]),
    .wr_data_i (desc_load ? rd_buf.wr_data : core_buf.wr_data),
    .wr_mask_i (desc_load ? rd_buf.wr_mask : core_buf.wr_mask)
  );
  always_comb begin
    buf_rd   = reg_rd[0];  // the running job's region
    crypt_rd = reg_rd[0];  // the cipher's region
    wr_rd    = desc_rd2;   // the write engine's region
    nx_rd    = reg_rd[0];  // the next inbound job's region
    for (int unsigned r = 0; r < NR; r++) begin
      if (reg_job[r]) buf_rd = reg_rd[r];
      if (nx_region == esp_kernel_pkg::region_e'(3'(r))) nx_rd = reg_rd[r];
      if (crypt_rd_reg_q == 2'(r)) crypt_rd = reg_rd[r];
      if (wr_region == esp_kernel_pkg::region_e'(3'(r))) wr_rd = reg_rd2[r];
    end
  end

  // Two AXI engines running at once: reads (descriptor fetch, the loader, inbound loads; up
  // to four requests queued, their bursts issued back to back) and writes (stores, seq_hi
  // words, completions; up to 8 bursts' B responses outstanding).
  esp_kernel_pkg::dma_req_t rd_req, wr_req, out_dma, in_dma, core_dma, fr_dma, ld_req;
  logic rd_busy, rd_ready, rd_done, wr_busy, wr_done, wr_idle;
  logic [31:0] wr_avail, out_avail, crypt_written, wr_avail_job, wr_avail_tail;
  esp_dma_rd u_dma_rd (
    .clk_i,
    .rst_ni,
    .req_i   (rd_req),
    .ready_o (rd_ready),
    .busy_o  (rd_busy),
    .done_o  (rd_done),
    .buf_o   (rd_buf),
    .region_o(rd_region),
    .m_axi_arvalid,
    .m_axi_arready,
    .m_axi_araddr,
    .m_axi_arlen,
    .m_axi_rvalid,
    .m_axi_rready,
    .m_axi_rdata,
    .m_axi_rlast
  );
  esp_dma_wr u_dma_wr (
    .clk_i,
    .rst_ni,
    .req_i        (wr_req),
    .avail_i      (wr_avail),
    .busy_o       (wr_busy),
    .done_o       (wr_done),
    .idle_o       (wr_idle),
    .buf_o        (wr_buf),
    .rd_region_o  (wr_rd_region),
    .region_o     (wr_region),
    .buf_rd_data_i(wr_rd),
    .m_axi_awvalid,
    .m_axi_awready,
    .m_axi_awaddr,
    .m_axi_awlen,
    .m_axi_wvalid,
    .m_axi_wready,
    .m_axi_wdata,
    .m_axi_wstrb,
    .m_axi_wlast,
    .m_axi_bvalid,
    .m_axi_bready
  );

  esp_kernel_pkg::crypt_req_t crypt_req, out_crypt, in_crypt, core_crypt;
  logic         crypt_busy, crypt_done, crypt_done_slot;
  logic [127:0] crypt_result;
  logic [1:0][127:0] crypt_slot_tag;
  // The slot of the inbound job's request (taken on its request's clock): its done, tag and
  // plaintext count are that slot's only.
  logic         in_slot_q, in_slot_d, in_cdone;
  // The next inbound job's prologue (esp_inbound's nx_* sub-machine): started once this
  // job's request is in and esp_crypt's tail lets key_q go (nx_go: its record and secrets
  // are read on this clock, nx_start_q hands them over), its request's slot.
  logic         nx_go, nx_on_q, nx_on_d, nx_start_q, nx_slot_q, nx_slot_d, nx_cdone;
  logic [111:0] nx_view;
  logic [127:0] in_tag;
  logic [31:0]  in_written;
  logic [esp_aes_pkg::NumRoundKeys-1:0][127:0] round_keys;
  assign round_keys = key_q[esp_kernel_pkg::KeyBits-1:640];
  logic aes256;
  esp_crypt #(
    .EnableCbc(EnableCbc),
    .CbcChains(CbcChains)
  ) u_crypt (
    .clk_i,
    .rst_ni,
    .req_i        (crypt_req),
    .aes256_i     (aes256),
    .round_keys_i (round_keys),
    .h_i          (key_q[512 +: 128]),
    .h2_i         (key_q[256 +: 128]),  // a GCM SA's H^2 (its HMAC inner state's place)
    .busy_o       (crypt_busy),
    .done_o       (crypt_done),
    .done_slot_o  (crypt_done_slot),
    .slot_tag_o   (crypt_slot_tag),
    .result_o     (crypt_result),
    .gcm_written_o(crypt_written),
    .dec_avail_i  (crypt_dec_avail),
    .tail_o       (crypt_tail),
    .ready_gcm_o  (crypt_ready_gcm),
    .slot_o       (crypt_slot),
    .slot_store_o (crypt_store),
    .slot_written_o(crypt_slot_written),
    .ready_cbc_o  (crypt_ready_cbc),
    .ready_ecb_o  (crypt_ready_ecb),
    .chain_o      (crypt_chain),
    .chain_busy_o (crypt_chain_busy),
    .chain_written_o(crypt_chain_written),
    .chain_done_o (crypt_chain_done),
    .buf_o        (crypt_buf),
    .buf_rd_slot_o(crypt_rd_slot),
    .buf_wr_slot_o(crypt_wr_slot),
    .buf_rd_chain_o(crypt_rd_chain),
    .buf_wr_chain_o(crypt_wr_chain),
    .icv_o        (crypt_icv),
    .icv_slot_o   (crypt_icv_slot),
    .buf_rd_data_i(crypt_rd)
  );

  esp_kernel_pkg::hmac_req_t hmac_req, out_hmac, in_hmac;
  logic         hmac_busy, hmac_done;
  logic [31:0]  hmac_rd_bytes, crypt_dec_avail;
  // Inbound CBC decrypts in place under its MAC (esp_inbound Auth): a ciphertext block
  // (from byte 24 of the MAC's message: ESP header, IV) is read by the decryption, and so
  // overwritten, only once the MAC has read it; all of it while no MAC runs.
  assign crypt_dec_avail = !(EnableCbc && hmac_busy) ? '1 :
                           (hmac_rd_bytes > 32'd24) ? hmac_rd_bytes - 32'd24 : 32'd0;
  logic [127:0] icv;

  // HMAC lanes: one esp_hmac_stream per packet region, so step 2's inbound CBC jobs i+1..i+3
  // (loaded, pending) get their MACs started while job i finalizes (the lane prefetch, lp_*
  // below), and job k's finalize finds its MAC running or done. The running job's framer
  // starts its region's lane itself when no MAC was started ahead for it (outbound, or the
  // prefetch was not in time). A lane reads its region on the clocks nobody else reads there
  // (reg_oth_rd: the next job's prologue, the cipher, the running framer; outbound CBC: the
  // cipher's read on one clock of each block's ≈ 17). One shared request and key bus: only
  // the lane whose start is set takes it (esp_hmac latches the states at start).
  // ln_own_q: the lane's MAC was started ahead for the job in its region (that job's
  // finalize does not start it again); ln_res_q: that MAC is done, its ICV held.
  logic [NR-1:0]             ln_busy, ln_done, ln_start, ln_job_start, ln_own_q, ln_own_d,
                             ln_res_q, ln_res_d;
  logic [NR-1:0][31:0]       ln_rd_bytes, ln_avail;
  esp_kernel_pkg::hmac_req_t ln_req, lp_req;
  logic [255:0]              ln_inner, ln_outer;
  logic                      job_ln_own;
  logic                      lp_rd, lp_st_q, lp_st_d, lp_fire, lp_cbc;
  logic [6:0]                lp_k_q, lp_k_d, lp_k, lp_job_q, lp_job_d;
  logic [111:0]              lp_view, lp_view_q, lp_view_d;
  logic                      lp_free;
  logic [NR-1:0]             lp_reg;  // one-hot: the region of the job read last clock
  for (genvar r = 0; r < NR; r++) begin : g_lane
    esp_kernel_pkg::hmac_req_t req;
    esp_kernel_pkg::buf_req_t  lane_buf;
    always_comb begin
      req       = ln_req;
      req.start = ln_start[r];
    end
    esp_hmac_stream #(
      .EnableCbc(EnableCbc)
    ) u_hmac (
      .clk_i,
      .rst_ni,
      .req_i        (req),
      .inner_i      (ln_inner),
      .outer_i      (ln_outer),
      .busy_o       (ln_busy[r]),
      .done_o       (ln_done[r]),
      .icv_o        (ln_icv[r]),
      .avail_i      (ln_avail[r]),
      .rd_gnt_i     (!reg_oth_rd[r]),
      .rd_bytes_o   (ln_rd_bytes[r]),
      .buf_o        (lane_buf),
      .buf_rd_data_i(reg_rd[r])
    );
    assign ln_rd_en[r]   = lane_buf.rd_en && !reg_oth_rd[r];
    assign ln_rd_addr[r] = lane_buf.rd_addr[RB-1:0];
    logic unused_lane;
    assign unused_lane = ^{lane_buf.rd_addr[AB-1:RB], lane_buf.wr_en, lane_buf.wr_addr,
                           lane_buf.wr_data, lane_buf.wr_mask};
    assign ln_job_start[r] = reg_job[r] && hmac_req.start && !ln_own_q[r];
    assign ln_start[r]     = ln_job_start[r] || (lp_fire && lp_reg[r]);
    assign lp_reg[r]       = esp_kernel_pkg::region_of(lp_job_q) == esp_kernel_pkg::region_e'(3'(r));
  end
  // The running job's lane, by its region (one-hot).
  always_comb begin
    hmac_busy     = 1'b0;
    hmac_done     = 1'b0;
    hmac_rd_bytes = '0;
    icv           = '0;
    job_ln_own    = 1'b0;
    lp_free       = 1'b0;
    for (int unsigned r = 0; r < NR; r++) begin
      if (reg_job[r]) begin
        hmac_busy     = ln_busy[r];
        hmac_rd_bytes = ln_rd_bytes[r];
        icv           = ln_icv[r];
        job_ln_own    = ln_own_q[r];
        // A MAC started ahead: done is a level (it may have come before the finalize).
        hmac_done     = ln_done[r] || (ln_own_q[r] && ln_res_q[r]);
      end
      if (esp_kernel_pkg::region_of(lp_k) == esp_kernel_pkg::region_e'(3'(r)))
        lp_free = !ln_busy[r] && !ln_own_q[r];
    end
  end
  // The framer's start goes to its lane; else the prefetch's (it waits a clock otherwise).
  assign lp_fire  = lp_st_q && lp_cbc && !(|ln_job_start);
  assign ln_req   = (|ln_job_start) ? hmac_req : lp_req;
  assign ln_inner = (|ln_job_start) ? key_q[256 +: 256] : key_rdata[256 +: 256];
  assign ln_outer = (|ln_job_start) ? key_q[0 +: 256] : key_rdata[0 +: 256];

  // Lane prefetch (step 2): the oldest job k of i+1..i+3 not yet looked at, once loaded and
  // pending and its lane free: its SA's record and secrets are read on a clock the
  // sequencer does not read them (JobRun after its first clock, not the GCM prologue's
  // read), the lane starts on the next clock with prepare's view (esp_off, esp_len, seq:
  // finalize MACs prepare's inferred seq_hi, as the cpu reference does) if the SA is CBC.
  assign lp_k    = (lp_k_q > i_q) ? lp_k_q : i_next;
  assign lp_view = view_arr[lp_k[5:0]];
  logic lp_window;
  assign lp_window = EnableCbc && state_q == JobRun && started_q && step2_q && job_in_q &&
                     lp_k < n_q && lp_k < i_q + 7'(NR) && ld_fin > lp_k;
  assign lp_rd   = lp_window && pend_q[lp_k[5:0]] && lp_free && !nx_go && !nx_start_q && !lp_st_q;
  logic [3:0] lp_tr;
  assign lp_tr  = rec_rdata[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagTransform +: 4];
  assign lp_cbc = lp_tr != 4'(esp_reg_pkg::TransformAesGcm16);
  always_comb begin
    lp_req        = '0;
    lp_req.start  = 1'b1;
    lp_req.sha1   = lp_tr == 4'(esp_reg_pkg::TransformAesCbcHmacSha1);
    lp_req.addr   = AB'(lp_view_q[95:88]);
    lp_req.len    = AB'(lp_view_q[80:64]) - (lp_req.sha1 ? AB'(12) : AB'(16));
    lp_req.esn    = rec_rdata[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagEsn];
    lp_req.seq_hi = lp_view_q[63:32];
  end
  always_comb begin
    lp_k_d    = lp_k_q;
    lp_st_d   = 1'b0;
    lp_job_d  = lp_job_q;
    lp_view_d = lp_view_q;
    ln_own_d  = ln_own_q;
    ln_res_d  = ln_res_q | (ln_own_q & ln_done);
    if (lp_window && !pend_q[lp_k[5:0]]) lp_k_d = lp_k + 7'd1;  // no finalize: no MAC
    if (lp_rd) begin
      lp_st_d   = 1'b1;
      lp_job_d  = lp_k;
      lp_view_d = lp_view;
    end
    // A GCM SA: nothing to start; a CBC start that lost the bus to the framer's is read
    // again.
    if (lp_st_q && (!lp_cbc || lp_fire)) lp_k_d = lp_job_q + 7'd1;
    if (lp_fire) begin
      ln_own_d = ln_own_d | lp_reg;
      ln_res_d = ln_res_d & ~lp_reg;
    end
    // The job in a region ends: its lane is free for the region's next job.
    if (state_q == JobEnd) begin
      ln_own_d = ln_own_d & ~reg_job;
      ln_res_d = ln_res_d & ~reg_job;
    end
    if (!step2_q) begin
      lp_k_d   = '0;
      ln_own_d = '0;
      ln_res_d = '0;
    end
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      lp_st_q  <= 1'b0;
      lp_k_q   <= '0;
      ln_own_q <= '0;
      ln_res_q <= '0;
    end else begin
      lp_st_q  <= lp_st_d;
      lp_k_q   <= lp_k_d;
      ln_own_q <= ln_own_d;
      ln_res_q <= ln_res_d;
    end
  end
  always_ff @(posedge clk_i) begin
    lp_job_q  <= lp_job_d;
    lp_view_q <= lp_view_d;
  end

  // Outbound CBC, several packets in flight: the framer ends on its MAC's start (esp_outbound
  // Cipher), so its region's lane runs on, under the next jobs. Per region, ob_q from the
  // job's CBC request until its ICV is written: the lane reads the ciphertext only behind
  // the encryption (24 bytes of ESP header and IV, then esp_crypt's count while that
  // encryption runs in this region, ln_avail). ob_icv_q: the MAC is done, its ICV (held by
  // the lane) waits for a clock the region's write port is free (the loader, the cipher and
  // the framers write elsewhere then; the check is for safety). The ICV's place and size
  // are taken with the request: PktOff + ciphertext, 16 or 12 bytes. The job's store,
  // handed over on the request's clock, waits here (ob_st_q, ob_dma_q) until its ICV is
  // written, not in the write engine: the engine meanwhile stores other jobs and their
  // seq_hi words, so the sequencer's JobEnd never waits for a MAC (see wr_req).
  logic [NR-1:0]         ob_q, ob_d, ob_icv_q, ob_icv_d, ob_sha1_d, ob_st_q, ob_st_d, ob_take;
  logic [NR-1:0][RB-1:0] ob_addr_d;
  esp_kernel_pkg::dma_req_t [NR-1:0] ob_dma_q, ob_dma_d;
  logic                  ob_req;
  assign ob_req        = EnableCbc && state_q == JobRun && !job_in_q && out_crypt.start &&
                         out_crypt.mode == esp_kernel_pkg::CryptCbcEnc;
  always_comb begin
    ob_d      = ob_q;
    ob_icv_d  = ob_icv_q;
    ob_addr_d = ob_addr_q;
    ob_sha1_d = ob_sha1_q;
    ob_st_d   = ob_st_q & ~ob_take;
    ob_dma_d  = ob_dma_q;
    for (int unsigned r = 0; r < NR; r++) begin
      ob_icv_wr[r] = ob_icv_q[r] && !(reg_load[r] || reg_cr_wr[r] || reg_job_wr[r]);
      // The ESP header and IV, then what the region's chain has written; all once it is
      // done (a region has at most one chain: it is reloaded only after its store).
      ln_avail[r]  = '1;
      for (int unsigned c = 0; c < CbcChains; c++) begin
        if (ob_q[r] && crypt_chain_busy[c] && crypt_chain_reg_q[c] == 2'(r))
          ln_avail[r] = 32'd24 + crypt_chain_written[c];
      end
      if (ob_q[r] && ln_done[r]) ob_icv_d[r] = 1'b1;
      if (ob_icv_wr[r]) begin
        ob_d[r]     = 1'b0;
        ob_icv_d[r] = 1'b0;
      end
      if (ob_req && reg_job[r]) begin
        ob_d[r]      = 1'b1;
        ob_addr_d[r] = out_crypt.addr[RB-1:0] + out_crypt.len[RB-1:0];
        ob_sha1_d[r] = out_hmac.sha1;
        ob_st_d[r]   = 1'b1;
        ob_dma_d[r]  = fr_dma;
      end
    end
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      ob_q     <= '0;
      ob_icv_q <= '0;
      ob_st_q  <= '0;
    end else begin
      ob_q     <= ob_d;
      ob_icv_q <= ob_icv_d;
      ob_st_q  <= ob_st_d;
    end
  end
  always_ff @(posedge clk_i) begin
    ob_addr_q <= ob_addr_d;
    ob_sha1_q <= ob_sha1_d;
    ob_dma_q  <= ob_dma_d;
  end

  logic         ke_start, ke_busy, ke_valid, ke_done;
  logic [3:0]   ke_idx;
  logic [127:0] ke_rk;
  esp_aes_key_expand u_key_expand (
    .clk_i,
    .rst_ni,
    .start_i   (ke_start),
    .aes256_i  (stage_i[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagKey256]),
    .key_i     ({stage_i[32 * (esp_reg_pkg::SaWordEncKey + 0) +: 32], stage_i[32 * (esp_reg_pkg::SaWordEncKey + 1) +: 32],
                 stage_i[32 * (esp_reg_pkg::SaWordEncKey + 2) +: 32], stage_i[32 * (esp_reg_pkg::SaWordEncKey + 3) +: 32],
                 stage_i[32 * (esp_reg_pkg::SaWordEncKey + 4) +: 32], stage_i[32 * (esp_reg_pkg::SaWordEncKey + 5) +: 32],
                 stage_i[32 * (esp_reg_pkg::SaWordEncKey + 6) +: 32], stage_i[32 * (esp_reg_pkg::SaWordEncKey + 7) +: 32]}),
    .busy_o    (ke_busy),
    .rk_valid_o(ke_valid),
    .rk_idx_o  (ke_idx),
    .rk_o      (ke_rk),
    .done_o    (ke_done)
  );

  // The loader's state (its logic follows the sequencer).
  typedef enum logic [2:0] {
    LdIdle,
    LdRead,
    LdCap,
    LdDma
  } ld_state_e;
  ld_state_e    ld_state_q, ld_state_d;
  logic [6:0]   ld_k_q, ld_k_d;    // jobs of the pass whose loads went to the read engine (or
                                   // not to be loaded), in order
  logic [2:0]   ld_out_q, ld_out_d;  // of those, loads not done yet (the newest)
  logic [6:0]   ld_fin;            // jobs of the pass loaded (or not to be loaded)
  logic         ld_on_q, ld_on_d;  // the pass's step 1, descriptors fetched
  logic [127:0] ld_c0_q, ld_c0_d;
  logic         ld_want;
  logic [6:0]   n_q, i_q;

  // ---------------------------------------------------------------------------------------
  // Job framers
  // ---------------------------------------------------------------------------------------
  logic         step2_q;
  logic step2_d;     // the pass's second step (inbound finalize)
  logic [15:0]  lk_slot_q;
  logic [15:0] lk_slot_d;   // the slot an inbound look-up found
  logic [63:0]  job_buf_q;
  logic [63:0] job_buf_d;
  logic [15:0]  job_off_q, job_len_q, job_cap_q, job_sa_q;
  logic [15:0] job_sa_d;
  logic [15:0] job_cap_d;
  logic [15:0] job_len_d;
  logic [15:0] job_off_d;
  logic         job_in_q;
  logic job_in_d;
  logic         out_start, out_done, in_start, in_done, in_pending;
  esp_kernel_pkg::result_t out_res, in_res;
  esp_kernel_pkg::ev_t     out_ev, in_ev;
  esp_kernel_pkg::rec_t    out_rec, in_rec;
  logic [111:0] in_view, view_sel;
  logic         in_lookup, lookup_done, lookup_found;
  logic [31:0]  in_spi;
  logic         in_rp_rd, in_rp_wr;
  logic [4:0]   in_rp_word;
  logic [127:0] in_rp_wdata;
  // Step 1's front stage in esp_inbound (fr_*): the job it works on, that job's fields as
  // the loader found them, its SPI look-up, the record read of a prepare it handed over.
  logic         fr_on, fr_have, fr_in, fr_ok, in_fr_lookup, in_rec_rd;
  logic [6:0]   fr_k;
  logic [15:0]  fr_len, in_rec_slot;

  assign out_overlay = state_q == JobRun && !job_in_q && out_wr_ok;
  // Only the cipher's writes in the job's own region hold the framer's header writes off:
  // the previous job's last blocks and ICV, written in its region while this job's framer
  // runs, leave this region's port free.
  assign out_wr_ok = !(|(reg_cr_wr & reg_job)) && !hmac_busy;
  // An outbound GCM request may go in behind the one running in another region.
  // It also waits while a framer store is still queued for the write engine (one slot).
  // Any cipher request also waits for the write engine's framer latch to be empty: the
  // job's store is handed over after its cipher, and the previous job's must have gone to
  // the engine by then (the latch holds one; with loads ahead, a job can end before the
  // previous store, stalled in memory, has left the latch).
  logic crypt_gcm_ok, crypt_idle_ok, crypt_out_ok, fr_wr_free;
  assign crypt_idle_ok = !crypt_busy && fr_wr_free;
  // The outbound framer's IV (an ECB block) takes a free pipe slot and its CBC encryption a
  // free chain, both beside the chains of earlier jobs still running (esp_crypt's
  // ready_ecb_o / ready_cbc_o).
  // (Without CBC the framer never gets that far: a CBC SA is not installed valid.)
  logic crypt_cbc_ok;
  assign crypt_out_ok = crypt_ready_ecb && fr_wr_free;
  assign crypt_cbc_ok = (EnableCbc ? crypt_ready_cbc : !crypt_busy) && fr_wr_free;
  // The next inbound job's request under the running job's tag comes before the running
  // job's store hand-over: it does not wait for the write engine, because the inbound
  // framer hands a store over only with the latch empty (store_ok_i), so a store still
  // draining or stalled in memory delays the hand-over, never the next cipher.
  logic crypt_nx_ok;
  assign crypt_nx_ok = crypt_ready_gcm;
  assign crypt_gcm_ok = crypt_ready_gcm && fr_wr_free &&
                        (!crypt_busy || crypt_reg_q[!crypt_slot] != 2'(job_region));
  esp_outbound u_out (
    .clk_i,
    .rst_ni,
    .start_i       (out_start),
    .buf_addr_i    (job_buf_q),
    .offset_i      (job_off_q),
    .length_i      (job_len_q),
    .capacity_i    (job_cap_q),
    .sa_index_i    (job_sa_q),
    .rec_i         (rec_rdata),
    .load_ready_i  (ld_fin > i_q),
    .buf_wr_ok_i   (out_wr_ok),
    .done_o        (out_done),
    .result_o      (out_res),
    .ev_o          (out_ev),
    .rec_o         (out_rec),
    .dma_o         (out_dma),
    .dma_avail_o   (out_avail),
    .crypt_written_i(crypt_written),
    .crypt_o       (out_crypt),
    .crypt_ready_i (crypt_out_ok),
    .crypt_cbc_ready_i(crypt_cbc_ok),
    .crypt_gcm_ready_i(crypt_gcm_ok),
    .crypt_done_i  (crypt_done),  // its IV's ECB block (it does not wait for its chain)
    .crypt_result_i(crypt_result),
    .hmac_o        (out_hmac),
    .buf_o         (out_buf),
    .buf_rd_data_i (buf_rd)
  );

  esp_inbound u_in (
    .clk_i,
    .rst_ni,
    .start_i       (in_start),
    .finalize_i    (step2_q),
    .buf_addr_i    (job_buf_q),
    .offset_i      (job_off_q),
    .length_i      (job_len_q),
    .capacity_i    (job_cap_q),
    .load_ready_i  (ld_fin > i_q),
    .view_i        (view_sel),
    .view_o        (in_view),
    .pending_o     (in_pending),
    .lookup_o      (in_lookup),
    .spi_o         (in_spi),
    .lookup_done_i (lookup_done),
    .lookup_found_i(lookup_found),
    .lookup_slot_i (lk_slot_q),
    .fr_on_i       (fr_on),
    .job_k_i       (i_q),
    .fr_k_o        (fr_k),
    .fr_have_i     (fr_have),
    .fr_in_i       (fr_in),
    .fr_ok_i       (fr_ok),
    .fr_len_i      (fr_len),
    .fr_lookup_o   (in_fr_lookup),
    .fr_lk_ready_i (!spi_busy),
    .fr_lk_done_i  (spi_done),
    .fr_lk_slot_i  (spi_slot),
    .rec_rd_o      (in_rec_rd),
    .rec_slot_o    (in_rec_slot),
    .rec_i         (rec_rdata),
    .rp_rd_en_o    (in_rp_rd),
    .rp_word_o     (in_rp_word),
    .rp_rd_data_i  (rp_rdata),
    .rp_wr_en_o    (in_rp_wr),
    .rp_wr_data_o  (in_rp_wdata),
    .nx_start_i    (nx_start_q),
    .nx_view_i     (nx_view),
    .nx_buf_o      (nx_buf),
    .nx_buf_rd_data_i(nx_rd),
    .nx_crypt_ready_i(crypt_nx_ok),
    .nx_crypt_done_i(nx_cdone),
    .nx_req_o      (in_nx_req),
    .nx_issued_o   (in_nx_issued),
    .tag_wait_o    (in_tag_wait),
    .done_o        (in_done),
    .result_o      (in_res),
    .ev_o          (in_ev),
    .rec_o         (in_rec),
    .dma_o         (in_dma),
    .dma_done_i    (fr_dma_done),
    .store_ok_i    (fr_wr_free),
    .crypt_o       (in_crypt),
    .crypt_ready_i (crypt_idle_ok),
    .crypt_done_i  (in_cdone),
    .crypt_result_i(in_tag),
    .crypt_written_i(in_written),
    .hmac_o        (in_hmac),
    .hmac_done_i   (hmac_done),
    .icv_i         (icv),
    .buf_o         (in_buf),
    .buf_rd_data_i (buf_rd)
  );

  // ---------------------------------------------------------------------------------------
  // Pass state
  // ---------------------------------------------------------------------------------------
  esp_kernel_pkg::result_t res_arr [esp_kernel_pkg::JobsPerPass];
  logic [111:0]            view_arr [esp_kernel_pkg::JobsPerPass];
  logic [31:0]             cookie_arr [esp_kernel_pkg::JobsPerPass];
  logic [esp_kernel_pkg::JobsPerPass-1:0] pend_q;
  logic [esp_kernel_pkg::JobsPerPass-1:0] pend_d;
  logic                    res_we, view_we, cookie_we;
  esp_kernel_pkg::result_t res_wdata;
  logic [5:0]              cookie_idx;
  logic [31:0]             cookie_wdata;
  // Per-job memories of the pass, written by the sequencer at job i (a prefetched
  // descriptor's cookie at job i + 1).
  always_ff @(posedge clk_i) begin
    if (res_we) res_arr[i_q[5:0]] <= res_wdata;
    if (view_we) view_arr[i_q[5:0]] <= in_view;
    if (cookie_we) cookie_arr[cookie_idx] <= cookie_wdata;
  end
  logic [6:0] i_d;
  logic [6:0] n_d;
  logic         issued_q, started_q, aes256_q;
  logic started_d;
  logic         sa_rd_q, sa_rd_d;  // JobRun follows an SA read: take the secrets
  logic aes256_d;
  logic issued_d;
  logic [31:0]  desc_head_q, cmpl_tail_q;
  logic [31:0] cmpl_tail_d;
  logic [31:0] desc_head_d;
  logic [15:0]  cur_sa_q;
  logic [15:0] cur_sa_d;      // the SA the running job uses
  logic [1:0]   op_q;
  logic [1:0] op_d;
  logic [15:0]  idx_q;
  logic [15:0] idx_d;         // sa_cmd slot / reset sweep index
  logic [5:0]   word_q;
  logic [5:0] word_d;
  logic [31:0]  old_spi_q;
  logic [31:0] old_spi_d;     // the SPI of the record a sa_cmd replaces
  esp_kernel_pkg::ev_t  ev_q;
  esp_kernel_pkg::ev_t ev_d;
  logic [1:0]   ev_step_q;
  logic [1:0] ev_step_d;
  logic [127:0] c0_q;
  logic [127:0] c0_d;
  logic [1:0]   lk_state_q;
  logic [1:0] lk_state_d;

  // Step 2 runs only when a job is pending finalize: a pass without inbound jobs that
  // passed prepare (every outbound pass) goes from step 1 to its completions, not through
  // a walk of one clock per job.
  logic pass_last_step;
  assign pass_last_step = step2_q || pend_q == '0;

  logic [31:0] posted, jobs_ready;
  assign posted = desc_tail_i - desc_head_q;
  always_comb begin
    jobs_ready = posted;
    if (ring_size_i < jobs_ready) jobs_ready = ring_size_i;
    if (32'(esp_kernel_pkg::JobsPerPass) < jobs_ready) jobs_ready = 32'(esp_kernel_pkg::JobsPerPass);
  end
  logic [31:0] ring_mask;
  assign ring_mask = ring_size_i - 32'd1;

  // Event FIFO.
  logic [31:0]       ev_mem [EvDepth];
  logic [EvBits-1:0] ev_head_q;
  logic [EvBits:0]   ev_count_q;
  logic              ev_push;
  logic [31:0]       ev_word;
  logic [31:0]       ev_data_q;
  logic              ev_clear, ev_do_push, ev_do_pop;
  logic [EvBits-1:0] ev_head_d;
  logic [EvBits:0]   ev_count_d;
  logic [31:0]       ev_data_d, ev_rd;
  assign ev_clear   = state_q == RstSpi && spi_done;
  assign ev_do_push = ev_push && ev_count_q != (EvBits + 1)'(EvDepth);  // full: dropped
  assign ev_do_pop  = ev_pop_i && ev_count_q != 0;
  always_comb begin
    ev_head_d  = ev_head_q + (ev_do_pop ? EvBits'(1) : '0);
    ev_count_d = ev_count_q + (ev_do_push ? (EvBits + 1)'(1) : '0)
                            - (ev_do_pop ? (EvBits + 1)'(1) : '0);
    ev_data_d  = ev_pop_i ? (ev_do_pop ? ev_rd : 32'd0) : ev_data_q;
    if (ev_clear) begin
      ev_head_d  = '0;
      ev_count_d = '0;
      ev_data_d  = '0;
    end
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      ev_head_q  <= '0;
      ev_count_q <= '0;
      ev_data_q  <= '0;
    end else begin
      ev_head_q  <= ev_head_d;
      ev_count_q <= ev_count_d;
      ev_data_q  <= ev_data_d;
    end
  end
  assign ev_rd = ev_mem[ev_head_q];
  always_ff @(posedge clk_i) begin
    if (ev_do_push) ev_mem[EvBits'(ev_head_q + EvBits'(ev_count_q))] <= ev_word;
  end
  assign ev_data_o  = ev_data_q;
  assign ev_count_o = {{(31 - EvBits){1'b0}}, ev_count_q};

  // The next event of the finished job: soft, hard, sequence overflow (hls order).
  always_comb begin
    ev_push = 1'b0;
    ev_word = {8'd0, 8'd0, cur_sa_q};
    if (state_q == EvPush) begin
      unique case (ev_step_q)
        2'd0: begin
          ev_push = ev_q.soft_life;
          ev_word[31:24] = 8'(esp_reg_pkg::EventSoftLifetime);
        end
        2'd1: begin
          ev_push = ev_q.hard_life;
          ev_word[31:24] = 8'(esp_reg_pkg::EventHardLifetime);
        end
        default: begin
          ev_push = ev_q.seq_ovf;
          ev_word[31:24] = 8'(esp_reg_pkg::EventSeqOverflow);
        end
      endcase
    end
  end

  // The staged record as installed: secrets, sa_state, reserved and counters zero; a
  // transform the kernel does not run (CBC in a GCM-only kernel) leaves the slot invalid.
  esp_kernel_pkg::rec_t new_rec;
  logic [3:0]           stage_transform;
  logic                 transform_ok;
  assign stage_transform = stage_i[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagTransform +: 4];
  assign transform_ok = stage_transform == 4'(esp_reg_pkg::TransformAesGcm16) ||
                        (EnableCbc &&
                         (stage_transform == 4'(esp_reg_pkg::TransformAesCbcHmacSha256) ||
                          stage_transform == 4'(esp_reg_pkg::TransformAesCbcHmacSha1)));
  always_comb begin
    new_rec = stage_i;
    for (int unsigned k = esp_reg_pkg::SaWordSaState; k < esp_reg_pkg::SaRecordWords; k++) begin
      new_rec[32 * k +: 32] = 32'd0;
    end
    if (!transform_ok) new_rec[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagValid] = 1'b0;
  end
  logic new_valid_in, stage_carried;
  assign new_valid_in  = new_rec[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagValid] &&
                         new_rec[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagInbound];
  // An inbound SA moved from another device: every number at or below its top is seen.
  assign stage_carried = stage_i[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagInbound] &&
                         (stage_i[32 * esp_reg_pkg::SaWordSeqLo +: 32] != 0 || stage_i[32 * esp_reg_pkg::SaWordSeqHi +: 32] != 0);

  // Descriptor fields (little-endian words) from the two halves of descriptor i.
  logic [31:0] d_off_len, d_cap_flags;
  assign d_off_len   = esp_kernel_pkg::le32_at(c0_q, esp_reg_pkg::DescriptorWordInOffsetLen);
  assign d_cap_flags = esp_kernel_pkg::le32_at(c0_q, esp_reg_pkg::DescriptorWordCapacityFlags);
  logic [31:0] d_sa, d_cookie;  // second half, on the buffer's read port at JobParse
  assign d_sa     = esp_kernel_pkg::le32_at(desc_rd, esp_reg_pkg::DescriptorWordSaIndex - 4);
  assign d_cookie = esp_kernel_pkg::le32_at(desc_rd, esp_reg_pkg::DescriptorWordCookie - 4);

  // The completion of job i (esp_regs.json "completion"): bit 16 a failed job's sequence
  // number is valid, bit 17 the descriptor's seq_hi_wb holds its high half.
  esp_kernel_pkg::result_t r_i;
  logic [31:0] cw_status, cw_offlen;
  logic [127:0] cmpl_block;
  assign r_i       = res_arr[cw_q[5:0]];
  assign cw_status = {r_i.status, 6'd0, r_i.seq_valid, r_i.seq_valid && r_i.status != 0, r_i.sa};
  assign cw_offlen = {r_i.offset, r_i.length};
  always_comb begin
    cmpl_block = '0;
    cmpl_block[127 - 32 * esp_reg_pkg::CompletionWordStatusSa -: 32] = esp_kernel_pkg::bswap32(cw_status);
    cmpl_block[127 - 32 * esp_reg_pkg::CompletionWordOutOffsetLen -: 32] =
        esp_kernel_pkg::bswap32(cw_offlen);
    cmpl_block[127 - 32 * esp_reg_pkg::CompletionWordCookie -: 32] =
        esp_kernel_pkg::bswap32(cookie_arr[cw_q[5:0]]);
    cmpl_block[127 - 32 * esp_reg_pkg::CompletionWordSeqLo -: 32] = esp_kernel_pkg::bswap32(r_i.seq[31:0]);
  end

  logic job_has_sa;
  assign job_has_sa = job_in_q ? (step2_q || in_res.sa != 16'hFFFF) : 1'b1;

  // ---------------------------------------------------------------------------------------
  // Sequencer
  // ---------------------------------------------------------------------------------------
  always_comb begin
    desc_head_d = desc_head_q;
    cmpl_tail_d = cmpl_tail_q;
    issued_d = issued_q;
    idx_d = idx_q;
    state_d = state_q;
    op_d = op_q;
    n_d = n_q;
    i_d = i_q;
    key_d = key_q;
    old_spi_d = old_spi_q;
    word_d = word_q;
    aes256_d = aes256_q;
    step2_d = step2_q;
    pend_d = pend_q;
    started_d = started_q;
    sa_rd_d = sa_rd_q;
    lk_state_d = lk_state_q;
    c0_d = c0_q;
    job_buf_d = job_buf_q;
    job_off_d = job_off_q;
    job_len_d = job_len_q;
    job_cap_d = job_cap_q;
    job_in_d = job_in_q;
    job_sa_d = job_sa_q;
    cur_sa_d = cur_sa_q;
    lk_slot_d = lk_slot_q;
    ev_d = ev_q;
    ev_step_d = ev_step_q;

    res_we    = 1'b0;
    res_wdata = job_res;
    view_we   = 1'b0;
    cookie_we = 1'b0;
    cookie_idx   = i_q[5:0];
    cookie_wdata = d_cookie;
    if (ring_reset_i) begin
      desc_head_d = '0;
      cmpl_tail_d = '0;
    end
    unique case (state_q)
      Idle: begin
        issued_d = 1'b0;
        key_d = '0;  // nothing runs on the secrets here; from power-up on key_q is zero
        if (soft_reset_i) begin
          idx_d = '0;
          state_d = RstSweep;
        end else if (sa_cmd_i) begin
          op_d = sa_op_i;
          idx_d = sa_index_i[15:0];
          state_d = (sa_index_i >= SaCapacity || sa_op_i == 2'd0) ? CmdDone : SaRead;
        end else if (enable_i && ring_size_i != 0 && jobs_ready != 0) begin
          n_d = 7'(jobs_ready);
          i_d = '0;
          state_d = Fetch;
        end
      end
      // ---------------- soft reset: every slot, the SPI index, the events ----------------
      RstSweep: begin
        idx_d = idx_q + 16'd1;
        if (idx_q == 16'(SaCapacity - 1)) state_d = RstSpi;
      end
      RstSpi: begin
        issued_d = 1'b1;
        if (spi_done) begin
          desc_head_d = '0;
          cmpl_tail_d = '0;
          key_d = '0;
          state_d = CmdDone;
        end
      end
      CmdDone: state_d = Idle;
      // ---------------- sa_cmd ----------------
      SaRead: state_d = SaDispatch;
      SaDispatch: begin
        old_spi_d = rec_rdata[32 * esp_reg_pkg::SaWordSpi +: 32];
        issued_d = 1'b0;
        key_d = '0;
        if (op_q == 2'd2) begin
          state_d = CmdDone;
        end else if (rec_rdata[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagValid] &&
                     rec_rdata[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagInbound]) begin
          state_d = SaFindOld;
        end else begin
          word_d = '0;
          state_d = (op_q == 2'd1) ? SaExpand : SaReplay;
        end
      end
      SaFindOld: begin  // the old SPI leaves the index only if it points here
        issued_d = 1'b1;
        if (spi_done) begin
          issued_d = 1'b0;
          word_d = '0;
          if (spi_found && spi_slot == idx_q) state_d = SaEraseOld;
          else state_d = (op_q == 2'd1) ? SaExpand : SaReplay;
        end
      end
      SaEraseOld: begin
        issued_d = 1'b1;
        if (spi_done) begin
          issued_d = 1'b0;
          state_d = (op_q == 2'd1) ? SaExpand : SaReplay;
        end
      end
      SaExpand: begin
        issued_d = 1'b1;
        aes256_d = stage_i[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagKey256];
        // Round key r into its own slice, chosen by a compare per slice: an index into
        // key_d would build a 2560-bit barrel shifter for data and mask.
        for (int unsigned r = 0; r < 15; r++) begin
          if (ke_valid && ke_idx == 4'(r)) key_d[640 + 128 * r +: 128] = ke_rk;
        end
        if (ke_done) begin
          issued_d = 1'b0;
          state_d = SaH;
        end
      end
      SaH: begin  // GHASH subkey H = AES_K(0^128)
        issued_d = 1'b1;
        key_d[256 +: 256] = {stage_i[32 * (esp_reg_pkg::SaWordAuthInner + 0) +: 32], stage_i[32 * (esp_reg_pkg::SaWordAuthInner + 1) +: 32],
                              stage_i[32 * (esp_reg_pkg::SaWordAuthInner + 2) +: 32], stage_i[32 * (esp_reg_pkg::SaWordAuthInner + 3) +: 32],
                              stage_i[32 * (esp_reg_pkg::SaWordAuthInner + 4) +: 32], stage_i[32 * (esp_reg_pkg::SaWordAuthInner + 5) +: 32],
                              stage_i[32 * (esp_reg_pkg::SaWordAuthInner + 6) +: 32], stage_i[32 * (esp_reg_pkg::SaWordAuthInner + 7) +: 32]};
        key_d[0 +: 256] = {stage_i[32 * (esp_reg_pkg::SaWordAuthOuter + 0) +: 32], stage_i[32 * (esp_reg_pkg::SaWordAuthOuter + 1) +: 32],
                              stage_i[32 * (esp_reg_pkg::SaWordAuthOuter + 2) +: 32], stage_i[32 * (esp_reg_pkg::SaWordAuthOuter + 3) +: 32],
                              stage_i[32 * (esp_reg_pkg::SaWordAuthOuter + 4) +: 32], stage_i[32 * (esp_reg_pkg::SaWordAuthOuter + 5) +: 32],
                              stage_i[32 * (esp_reg_pkg::SaWordAuthOuter + 6) +: 32], stage_i[32 * (esp_reg_pkg::SaWordAuthOuter + 7) +: 32]};
        if (crypt_done) begin
          key_d[512 +: 128] = crypt_result;
          issued_d = 1'b0;
          state_d = SaH2;
        end
      end
      // H^2 for GHASH's second lane, once per SA (esp_crypt reads it from key_q with each
      // request, so no message waits for it): a GCM SA keeps it in the first half of the
      // HMAC inner state's place, which only CBC SAs use.
      SaH2: begin
        issued_d = 1'b1;
        if (crypt_done) begin
          if (stage_transform == 4'(esp_reg_pkg::TransformAesGcm16)) key_d[256 +: 128] = crypt_result;
          word_d = '0;
          state_d = SaReplay;
        end
      end
      SaReplay: begin  // 32 bitmap words
        word_d = word_q + 6'd1;
        if (word_q == 6'd31) begin
          issued_d = 1'b0;
          state_d = (op_q == 2'd1) ? SaIndex : SaWrite;
        end
      end
      SaIndex: begin
        issued_d = 1'b1;
        if (!new_valid_in || spi_done) state_d = SaWrite;
      end
      SaWrite: begin
        key_d = '0;  // the secrets now live in the table only
        state_d = CmdDone;
      end
      // ---------------- pass: fetch the descriptors ----------------
      Fetch: begin  // as many descriptors per burst as lie before the ring's end
        issued_d = 1'b1;
        if (core_dma_done) begin
          issued_d = 1'b0;
          desc_head_d = desc_head_q + {25'd0, fetch_k};
          i_d = i_q + fetch_k;
          if (i_q + fetch_k == n_q) begin
            i_d = '0;
            step2_d = 1'b0;
            pend_d = '0;
            state_d = JobNext;
          end
        end
      end
      JobNext: begin
        started_d = 1'b0;
        lk_state_d = '0;
        if (i_q == n_q) begin
          // Step 1 ends once the loader has finished (a job dropped before its load may
          // still be loading): step 2 and the next pass use both regions again.
          if (ld_k_q == n_q && ld_out_q == '0 && ld_state_q == LdIdle) begin
            i_d = '0;
            if (pass_last_step) state_d = CmplWrite;
            else step2_d = 1'b1;
          end
        end else if (step2_q && !pend_q[i_q[5:0]]) begin
          i_d = i_q + 7'd1;
        end else begin
          state_d = JobRead1;  // the descriptor's first half is read this clock
        end
      end
      JobRead1: begin
        c0_d = desc_rd;
        state_d = JobParse;
      end
      JobParse: begin
        job_buf_d = {esp_kernel_pkg::le32_at(c0_q, esp_reg_pkg::DescriptorWordBufAddrHi),
                      esp_kernel_pkg::le32_at(c0_q, esp_reg_pkg::DescriptorWordBufAddrLo)};
        job_off_d = d_off_len[31:16];
        job_len_d = d_off_len[15:0];
        job_cap_d = d_cap_flags[31:16];
        job_in_d = d_cap_flags[0];
        job_sa_d = d_sa[15:0];
        cookie_we = 1'b1;
        if (step2_q) begin  // its SA's record and secrets were read at JobRead1
          cur_sa_d = view_arr[i_q[5:0]][111:96];
          sa_rd_d = 1'b1;
          state_d = JobRun;
        end else if (d_cap_flags[0]) begin
          state_d = JobRun;
        end else if (d_sa >= SaCapacity) begin
          res_we    = 1'b1;
          res_wdata = {8'(esp_reg_pkg::StatusBadSa), 16'hFFFF, d_off_len[31:16],
                       d_off_len[15:0], 64'd0, 1'b0};  // result_t, no SA  // result_t, no SA
          i_d = i_q + 7'd1;
          state_d = JobNext;
        end else begin
          cur_sa_d = d_sa[15:0];
          state_d = JobSaRead;
        end
      end
      // The record and secrets are read on this clock; the framer starts with the record
      // on JobRun's first clock, when the secrets are taken into key_q.
      JobSaRead: begin
        if (step2_q) cur_sa_d = view_sel[111:96];  // reached from JobEnd's prefetch path
        sa_rd_d = 1'b1;
        state_d = JobRun;
      end
      JobRun: begin
        started_d = 1'b1;
        sa_rd_d = 1'b0;
        if (sa_rd_q) begin
          key_d = key_rdata;
          aes256_d = rec_rdata[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagKey256];
        end
        // Inbound prepare: SPI look-up, then the SA's record and secrets.
        unique case (lk_state_q)
          2'd0: if (in_lookup) lk_state_d = 2'd1;
          2'd1: begin
            if (spi_done) begin
              lk_slot_d = spi_slot;
              cur_sa_d = spi_slot;
              lk_state_d = 2'd3;  // the record and secrets (if found) are read this clock
            end
          end
          2'd2: lk_state_d = 2'd3;  // record and secrets read this clock
          default: begin
            if (lk_state_q == 2'd3 && spi_found) begin
              key_d = key_rdata;
              aes256_d = rec_rdata[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagKey256];
            end
            lk_state_d = 2'd0;
          end
        endcase
        // A prepare from the front stage's hand-over: its SA (replay ring, write-back).
        if (in_rec_rd) cur_sa_d = in_rec_slot;
        if (nx_start_q) begin  // the next job's secrets (this job's cipher is in its tail)
          key_d = key_rdata;
          aes256_d = rec_rdata[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagKey256];
        end
        if (job_in_q ? in_done : out_done) state_d = JobEnd;
      end
      JobEnd: begin
        ev_d = job_in_q ? in_ev : out_ev;
        ev_step_d = '0;
        if (job_in_q && !step2_q && in_pending) begin
          pend_d[i_q[5:0]] = 1'b1;
          view_we = 1'b1;
        end else begin
          res_we    = 1'b1;
          res_wdata = job_res;
        end
        // The job's seq_hi word goes out now (sh_*), behind the write engine's current
        // burst; a second one waits here until the first has gone.
        if (sh_need && sh_pend_q) begin
          state_d = JobEnd;
        end else if ((job_in_q ? in_ev : out_ev) == '0) begin
          i_d = i_q + 7'd1;
          if (!in_nx_issued) key_d = '0;  // else the next job's cipher runs on them
          state_d = JobNext;
          if (jend_next) begin  // JobNext's work for the next job, on this clock
            started_d = 1'b0;
            lk_state_d = '0;
            state_d = JobRead1;
            if (pf_fast) begin  // JobRead1's and JobParse's work too, from the prefetch
              job_buf_d = {esp_kernel_pkg::le32_at(pf_c0_q, esp_reg_pkg::DescriptorWordBufAddrHi),
                           esp_kernel_pkg::le32_at(pf_c0_q, esp_reg_pkg::DescriptorWordBufAddrLo)};
              job_off_d = pf_off_len[31:16];
              job_len_d = pf_off_len[15:0];
              job_cap_d = pf_cap_flags[31:16];
              job_in_d = 1'b1;
              job_sa_d = pf_sa[15:0];
              cookie_we = 1'b1;
              cookie_idx = i_next[5:0];
              cookie_wdata = pf_cookie;
              state_d = step2_q ? JobSaRead : JobRun;
            end
          end
        end else begin
          state_d = EvPush;
        end
      end
      EvPush: begin
        ev_step_d = ev_step_q + 2'd1;
        // Three slots (soft, hard, sequence overflow); a job without events skips them.
        if (ev_step_q == 2'd2 || ev_q == '0) begin
          i_d = i_q + 7'd1;
          if (!in_nx_issued) key_d = '0;
          state_d = JobNext;
        end
      end
      // ---------------- completions, in descriptor order ----------------
      // The seq_hi words went out at each job's end; the completions are gathered in
      // CmplArea and stored in one burst per ring wrap, after the last seq_hi word (the
      // write engine takes them in order, each burst done after its B response).
      CmplWrite: begin  // the completions not yet written during the jobs (cw_*)
        if (cw_q == n_q) begin
          i_d = '0;
          issued_d = 1'b0;
          state_d = CmplDma;
        end
      end
      CmplDma: begin
        // Granted once every earlier store has its B; done when its own B is back, so
        // cmpl_tail moves only over completions in memory.
        if (cmpl_grant) issued_d = 1'b1;
        if (issued_q && wr_idle) begin
          issued_d = 1'b0;
          cmpl_tail_d = cmpl_tail_q + {25'd0, cmpl_k};
          i_d = i_q + cmpl_k;
          if (i_q + cmpl_k == n_q) state_d = Idle;
        end
      end
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q     <= Idle;
      desc_head_q <= '0;
      cmpl_tail_q <= '0;
      lk_state_q  <= '0;
      key_q       <= '0;
      sa_rd_q     <= 1'b0;
    end else begin
      state_q <= state_d;
      desc_head_q <= desc_head_d;
      cmpl_tail_q <= cmpl_tail_d;
      lk_state_q <= lk_state_d;
      key_q <= key_d;
      sa_rd_q <= sa_rd_d;
    end
  end

  always_ff @(posedge clk_i) begin
    issued_q <= issued_d;
    idx_q <= idx_d;
    op_q <= op_d;
    n_q <= n_d;
    i_q <= i_d;
    old_spi_q <= old_spi_d;
    word_q <= word_d;
    aes256_q <= aes256_d;
    step2_q <= step2_d;
    pend_q <= pend_d;
    started_q <= started_d;
    c0_q <= c0_d;
    job_buf_q <= job_buf_d;
    job_off_q <= job_off_d;
    job_len_q <= job_len_d;
    job_cap_q <= job_cap_d;
    job_in_q <= job_in_d;
    job_sa_q <= job_sa_d;
    cur_sa_q <= cur_sa_d;
    lk_slot_q <= lk_slot_d;
    ev_q <= ev_d;
    ev_step_q <= ev_step_d;
  end

  // ---------------------------------------------------------------------------------------
  // Requests
  // ---------------------------------------------------------------------------------------
  assign out_start   = state_q == JobRun && !started_q && !job_in_q;
  assign in_start    = state_q == JobRun && !started_q && job_in_q;
  assign view_sel    = view_arr[i_q[5:0]];
  assign lookup_done = state_q == JobRun && lk_state_q == 2'd3;
  assign lookup_found = spi_found;
  assign ke_start    = state_q == SaExpand && !issued_q;
  assign aes256      = (state_q == SaH) ? stage_i[32 * esp_reg_pkg::SaWordFlags + esp_kernel_pkg::FlagKey256]
                                        : aes256_q;

  logic [31:0] cmpl_slot, seq_slot, fetch_room, cmpl_room;
  logic [6:0]  fetch_k, cmpl_k;  // descriptors / completions in the next burst
  assign cmpl_slot  = cmpl_tail_q & ring_mask;
  assign seq_slot   = (cmpl_tail_q + {25'd0, i_q}) & ring_mask;  // job i's descriptor
  assign fetch_room = ring_size_i - (desc_head_q & ring_mask);
  assign cmpl_room  = ring_size_i - cmpl_slot;
  always_comb begin
    fetch_k = n_q - i_q;
    if (fetch_room < {25'd0, fetch_k}) fetch_k = fetch_room[6:0];
    cmpl_k = n_q - i_q;
    if (cmpl_room < {25'd0, cmpl_k}) cmpl_k = cmpl_room[6:0];
  end

  always_comb begin
    spi_start   = 1'b0;
    spi_op      = SpiFind;
    spi_key     = old_spi_q;
    spi_slot_in = idx_q;
    unique case (state_q)
      RstSpi: begin
        spi_start = !issued_q;
        spi_op    = SpiClear;
      end
      SaFindOld: spi_start = !issued_q;
      SaEraseOld: begin
        spi_start = !issued_q;
        spi_op    = SpiErase;
      end
      SaIndex: begin
        spi_start = !issued_q && new_valid_in;
        spi_op    = SpiInsert;
        spi_key   = stage_i[32 * esp_reg_pkg::SaWordSpi +: 32];
      end
      JobRun: begin
        spi_start = lk_state_q == 2'd0 && in_lookup;
        spi_key   = in_spi;
      end
      default: ;
    endcase
    if (in_fr_lookup) begin  // step 1's front stage, in any of the sequencer's states
      spi_start = 1'b1;
      spi_op    = SpiFind;
      spi_key   = in_spi;
    end

    // SA table ports.
    rec_en    = 1'b0;
    rec_we    = 1'b0;
    rec_idx   = idx_q;
    rec_wdata = '0;
    key_en    = 1'b0;
    key_we    = 1'b0;
    key_idx   = idx_q;
    // The secrets written are key_q's: zero outside a job and an install (Idle, SaDispatch,
    // JobEnd and SaWrite clear it; asserted below), so a soft reset's sweep and a delete
    // write zeros without a 2560-bit AND in front of the RAM.
    key_wdata = key_q;
    rp_en     = 1'b0;
    rp_we     = 1'b0;
    rp_idx    = idx_q;
    rp_word   = word_q[4:0];
    rp_wdata  = (op_q == 2'd1 && stage_carried) ? '1 : '0;
    unique case (state_q)
      RstSweep: begin
        rec_en = 1'b1;
        rec_we = 1'b1;
        key_en = 1'b1;
        key_we = 1'b1;
      end
      SaRead: rec_en = 1'b1;
      SaReplay: begin
        rp_en = 1'b1;
        rp_we = 1'b1;
      end
      SaWrite: begin
        rec_en    = 1'b1;
        rec_we    = 1'b1;
        rec_wdata = (op_q == 2'd1) ? new_rec : '0;
        key_en    = 1'b1;
        key_we    = 1'b1;
      end
      JobSaRead: begin
        rec_en  = 1'b1;
        rec_idx = step2_q ? view_sel[111:96] : cur_sa_q;
        key_en  = 1'b1;
        key_idx = step2_q ? view_sel[111:96] : cur_sa_q;
      end
      // Step 2 knows the SA from prepare: its record and secrets are read with the
      // descriptor's second half (after the previous job's write-back at its JobEnd).
      JobRead1: begin
        rec_idx = view_sel[111:96];
        key_idx = view_sel[111:96];
        rec_en  = step2_q;
        key_en  = step2_q;
      end
      JobRun: begin
        rec_idx = spi_slot;
        key_idx = spi_slot;
        if (lk_state_q == 2'd1 && spi_done && spi_found) begin
          rec_en = 1'b1;
          key_en = 1'b1;
        end
        if (in_rec_rd) begin  // a prepare from the front stage's hand-over: the record only
          rec_idx = in_rec_slot;
          rec_en  = 1'b1;
        end
        if (nx_go) begin  // step 2 has no look-up: the next job's record and secrets
          rec_idx = nx_view[111:96];
          key_idx = nx_view[111:96];
          rec_en  = 1'b1;
          key_en  = 1'b1;
        end
        if (lp_rd) begin  // a lane's MAC started ahead: that job's record and secrets
          rec_idx = lp_view[111:96];
          key_idx = lp_view[111:96];
          rec_en  = 1'b1;
          key_en  = 1'b1;
        end
        rp_idx   = cur_sa_q;
        rp_word  = in_rp_word;
        rp_wdata = in_rp_wdata;
        rp_en    = job_in_q && (in_rp_rd || in_rp_wr);
        rp_we    = in_rp_wr;
      end
      JobEnd: begin
        rec_idx   = cur_sa_q;
        rec_en    = job_has_sa;
        rec_we    = 1'b1;
        rec_wdata = job_in_q ? in_rec : out_rec;
      end
      default: ;
    endcase

    // DMA.
    core_dma        = '0;
    core_dma.start  = !issued_q;
    core_dma.region = esp_kernel_pkg::RegionDesc;
    unique case (state_q)
      Fetch: begin
        core_dma.gaddr = desc_ring_i + {27'd0, (desc_head_q & ring_mask), 5'd0};
        core_dma.laddr = esp_kernel_pkg::DescArea + {5'd0, i_q[5:0], 5'd0};
        core_dma.len   = {5'd0, fetch_k, 5'd0};  // DescriptorBytes = 32 each
      end
      CmplDma: begin
        core_dma.store = 1'b1;
        core_dma.gaddr = cmpl_ring_i + {28'd0, cmpl_slot, 4'd0};
        core_dma.laddr = CmplArea + {6'd0, i_q, 4'd0};
        core_dma.len   = {6'd0, cmpl_k, 4'd0};  // CompletionBytes = 16 each
      end
      default: core_dma.start = 1'b0;
    endcase

    core_crypt        = '0;
    core_crypt.start  = (state_q == SaH || state_q == SaH2) && !issued_q;
    core_crypt.mode   = esp_kernel_pkg::CryptEcb;
    core_crypt.icv_wr = state_q == SaH2;  // ECB with icv_wr: H * H for H = h_i

    core_buf = '0;
    unique case (state_q)
      JobNext: begin
        core_buf.rd_en   = i_q != n_q && !(step2_q && !pend_q[i_q[5:0]]);
        core_buf.rd_addr = esp_kernel_pkg::DescArea + {5'd0, i_q[5:0], 5'd0};
      end
      JobRead1: begin
        core_buf.rd_en   = 1'b1;
        core_buf.rd_addr = esp_kernel_pkg::DescArea + {5'd0, i_q[5:0], 5'd0} + 17'd16;
      end
      JobRun: begin  // the next descriptor's prefetch
        core_buf.rd_en   = pf_rd;
        core_buf.rd_addr = esp_kernel_pkg::DescArea + {5'd0, i_next[5:0], 5'd0} +
                           (pf_state_q == PfRd0 ? 17'd16 : 17'd0);
      end
      JobEnd: begin  // the seq_hi word into the descriptor's copy, stored from there
        core_buf.rd_en   = jend_next;  // and the next descriptor's first half
        core_buf.rd_addr = esp_kernel_pkg::DescArea + {5'd0, i_next[5:0], 5'd0};
        core_buf.wr_en   = sh_set;
        core_buf.wr_addr = sh_laddr;
        core_buf.wr_data = {esp_kernel_pkg::bswap32(job_res.seq[63:32]), 96'd0};
        core_buf.wr_mask = 16'hF000;
      end
      default: ;
    endcase
    if (cw_go) begin
      core_buf.wr_en   = 1'b1;
      core_buf.wr_addr = CmplArea + {6'd0, cw_q, 4'd0};
      core_buf.wr_data = cmpl_block;
      core_buf.wr_mask = 16'hFFFF;
    end

    // The framer's DMA requests in the job's region.
    fr_dma        = job_in_q ? in_dma : out_dma;
    fr_dma.region = job_region;
    crypt_req = (state_q == JobRun) ? (job_in_q ? in_crypt : out_crypt) : core_crypt;
    hmac_req  = (state_q == JobRun) ? (job_in_q ? in_hmac : out_hmac) : '0;
    // An outbound store trails its cipher, also after its framer ended (the cipher's tail:
    // esp_crypt counts the bytes from the window's start, ICV included); any other store
    // (an inbound job's, still going while the next job runs) has all its bytes.
    // Both bounds apply while the framer that issued the tail has not yet left JobRun
    // (its avail is all ones once it is idle), so the store takes the smaller. The bounds
    // are those of the store the engine reads this clock (wr_rd_region: a framer's store is
    // in its job's packet region, the core's in the descriptor area).
    wr_avail_job  = (state_q == JobRun && !job_in_q && wr_rd_region == job_region) ?
                    out_avail : '1;
    wr_avail_tail = '1;
    for (int unsigned c = 0; c < 2; c++) begin
      if (crypt_store[c] && wr_rd_region == esp_kernel_pkg::region_e'({1'b0, crypt_reg_q[c]}) &&
          crypt_slot_written[c] < wr_avail_tail)
        wr_avail_tail = crypt_slot_written[c];
    end
    wr_avail = (wr_avail_tail < wr_avail_job) ? wr_avail_tail : wr_avail_job;
    // The running job's buffer port: the framer's (the cipher has its own path in its
    // region, reg_cr; there the outbound framer writes its outer headers on the cipher's
    // clocks without a write), none while its own MAC runs (its lane reads the region); a
    // MAC started ahead for it lets it read (its ESP header, IV and ICV before Auth).
    if (hmac_busy && !job_ln_own) begin
      job_buf = '0;
    end else if (state_q == JobRun) begin
      job_buf = job_in_q ? in_buf : out_buf;
    end else begin
      job_buf = '0;
    end
  end

  // The read engine: the descriptor fetch, a framer's load (held until the engine is free:
  // the loader may be using it), else the loader's next packet. The loader queues its loads
  // behind its own (the engine keeps several in flight); the others wait for the engine to
  // be idle, so every done goes to rd_owner_q.
  typedef enum logic [1:0] {
    OwnCore,
    OwnFramer,
    OwnLoader
  } owner_e;
  owner_e rd_owner_q, rd_owner_d;
  logic   fr_rd_pend_q, fr_rd_pend_d, fr_rd_pulse, ld_grant;
  esp_kernel_pkg::dma_req_t fr_rd_req_q, fr_rd_req_d;
  assign fr_rd_pulse = state_q == JobRun && fr_dma.start && !fr_dma.store;
  always_comb begin
    rd_req       = '0;
    rd_owner_d   = rd_owner_q;
    fr_rd_pend_d = fr_rd_pend_q;
    fr_rd_req_d  = fr_rd_req_q;
    ld_grant     = 1'b0;
    if (fr_rd_pulse) begin
      fr_rd_pend_d = 1'b1;
      fr_rd_req_d  = fr_dma;
    end
    if (state_q == Fetch) begin
      rd_req       = core_dma;
      rd_req.start = core_dma.start && !core_dma.store;
      if (rd_req.start) rd_owner_d = OwnCore;
    end else if (fr_rd_pulse || fr_rd_pend_q) begin
      if (!rd_busy) begin
        rd_req       = fr_rd_pulse ? fr_dma : fr_rd_req_q;
        rd_req.start = 1'b1;
        fr_rd_pend_d = 1'b0;
        rd_owner_d   = OwnFramer;
      end
    end else if (ld_state_q == LdDma && ld_want && rd_ready &&
                 (!rd_busy || rd_owner_q == OwnLoader)) begin
      rd_req     = ld_req;
      ld_grant   = 1'b1;
      rd_owner_d = OwnLoader;
    end
    if (state_q == Idle) fr_rd_pend_d = 1'b0;
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rd_owner_q   <= OwnCore;
      fr_rd_pend_q <= 1'b0;
    end else begin
      rd_owner_q   <= rd_owner_d;
      fr_rd_pend_q <= fr_rd_pend_d;
    end
  end
  always_ff @(posedge clk_i) fr_rd_req_q <= fr_rd_req_d;

  // The write engine, in this order of priority: a finished job's seq_hi word, a job's
  // store (each held in a one-request latch while the engine is busy, i.e. holds a running
  // and a queued request), the completion bursts. A job ends once it has handed its store
  // over; its region stays busy (st_busy) until the store's last W beat has left it (done);
  // the B responses are awaited only before the pass's completions (idle_o).
  logic   fr_wr_pend_q, fr_wr_pend_d, fr_wr_pulse, sh_pend_q, sh_pend_d, sh_need, sh_set;
  logic   cmpl_grant;
  esp_kernel_pkg::dma_req_t fr_wr_req_q, fr_wr_req_d, sh_req_q, sh_req_d, sh_req;
  logic   fr_wr_latch;  // a store for the latch (an outbound CBC store waits in ob_dma_q)
  logic [AB-1:0] sh_laddr;
  assign fr_wr_pulse = state_q == JobRun && fr_dma.start && fr_dma.store;
  assign fr_wr_latch = fr_wr_pulse && !ob_req;
  // A job that ends with a sequence number has its seq_hi_wb written (esp_regs.json).
  // A job that ends without events and without waiting for a seq_hi slot goes straight to
  // the next descriptor when there is one to run (JobNext's checks, a clock early).
  logic [6:0] i_next;
  logic       jend_next;
  assign i_next    = i_q + 7'd1;
  assign jend_next = state_q == JobEnd && !(sh_need && sh_pend_q) &&
                     (job_in_q ? in_ev : out_ev) == '0 && i_next != n_q &&
                     !(step2_q && !pend_q[i_next[5:0]]);
  // Descriptor prefetch: while job i runs, descriptor i+1's two halves are read (the
  // sequencer's reads have the descriptor area's port in JobRun; the loader's wait a clock),
  // so an inbound job i+1 (the common case of both steps) starts from job i's JobEnd without
  // JobRead1 and JobParse; an outbound one takes them as before.
  typedef enum logic [1:0] {
    PfIdle,
    PfRd0,
    PfRd1,
    PfHave
  } pf_state_e;
  pf_state_e    pf_state_q, pf_state_d;
  logic [127:0] pf_c0_q, pf_c0_d, pf_c1_q, pf_c1_d;
  logic         pf_rd, pf_fast;
  logic [31:0]  pf_off_len, pf_cap_flags, pf_sa, pf_cookie;
  assign pf_off_len   = esp_kernel_pkg::le32_at(pf_c0_q, esp_reg_pkg::DescriptorWordInOffsetLen);
  assign pf_cap_flags = esp_kernel_pkg::le32_at(pf_c0_q, esp_reg_pkg::DescriptorWordCapacityFlags);
  assign pf_sa        = esp_kernel_pkg::le32_at(pf_c1_q, esp_reg_pkg::DescriptorWordSaIndex - 4);
  assign pf_cookie    = esp_kernel_pkg::le32_at(pf_c1_q, esp_reg_pkg::DescriptorWordCookie - 4);
  assign pf_fast      = pf_state_q == PfHave && pf_cap_flags[0];
  always_comb begin
    pf_state_d = pf_state_q;
    pf_c0_d    = pf_c0_q;
    pf_c1_d    = pf_c1_q;
    pf_rd      = 1'b0;
    unique case (pf_state_q)
      PfIdle: begin
        if (state_q == JobRun && i_next != n_q) begin
          pf_rd      = 1'b1;
          pf_state_d = PfRd0;
        end
      end
      PfRd0: begin
        pf_c0_d    = desc_rd;
        pf_rd      = 1'b1;
        pf_state_d = PfRd1;
      end
      PfRd1: begin
        pf_c1_d    = desc_rd;
        pf_state_d = PfHave;
      end
      default: ;
    endcase
    if (state_q != JobRun) pf_state_d = PfIdle;  // for the job after the next one
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) pf_state_q <= PfIdle;
    else pf_state_q <= pf_state_d;
  end
  always_ff @(posedge clk_i) begin
    pf_c0_q <= pf_c0_d;
    pf_c1_q <= pf_c1_d;
  end

  // The completion writer: completion cw_q goes into CmplArea as soon as its job's result is
  // final (in order; an inbound job pending finalize holds it in step 1) on a clock the
  // descriptor area's write port is free (JobEnd's seq_hi word, the fetch), so the pass's
  // end only writes what is left.
  logic [6:0] cw_q, cw_d;
  logic       cw_go;
  assign cw_go = cw_q != n_q && !sh_set && !desc_load &&
                 (state_q == CmplWrite ||
                  (ld_on_q && cw_q < i_q && (step2_q || !pend_q[cw_q[5:0]])));
  always_comb begin
    cw_d = cw_q;
    if (state_q == Fetch) cw_d = '0;
    else if (cw_go) cw_d = cw_q + 7'd1;
  end
  always_ff @(posedge clk_i) cw_q <= cw_d;
  esp_kernel_pkg::result_t job_res;
  assign job_res  = job_in_q ? in_res : out_res;
  assign sh_need  = state_q == JobEnd && !(job_in_q && !step2_q && in_pending) &&
                    job_res.seq_valid;
  assign sh_set   = sh_need && !sh_pend_q;
  assign sh_laddr = esp_kernel_pkg::DescArea + {5'd0, i_q[5:0], 5'd0} +
                    AB'(4 * esp_reg_pkg::DescriptorWordSeqHiWb);
  always_comb begin
    sh_req        = '0;
    sh_req.store  = 1'b1;
    sh_req.region = esp_kernel_pkg::RegionDesc;
    sh_req.gaddr  = desc_ring_i + {27'd0, seq_slot, 5'd0} +
                    64'(4 * esp_reg_pkg::DescriptorWordSeqHiWb);
    sh_req.laddr  = sh_laddr;
    sh_req.len    = 17'd4;
  end
  always_comb begin
    wr_req       = '0;
    fr_wr_pend_d = fr_wr_pend_q;
    fr_wr_req_d  = fr_wr_req_q;
    sh_pend_d    = sh_pend_q;
    sh_req_d     = sh_req_q;
    cmpl_grant   = 1'b0;
    ob_take      = '0;
    if (fr_wr_latch) begin
      fr_wr_pend_d = 1'b1;
      fr_wr_req_d  = fr_dma;
    end
    if (sh_set) begin
      sh_pend_d = 1'b1;
      sh_req_d  = sh_req;
    end
    if (!wr_busy) begin
      if (sh_pend_q) begin
        wr_req       = sh_req_q;
        wr_req.start = 1'b1;
        sh_pend_d    = 1'b0;
      end else if (fr_wr_latch || fr_wr_pend_q) begin
        wr_req       = fr_wr_latch ? fr_dma : fr_wr_req_q;
        wr_req.start = 1'b1;
        fr_wr_pend_d = 1'b0;
      end else if (|(ob_st_q & ~ob_q)) begin
        // An outbound CBC store whose ICV is in (the lowest such region; any order will
        // do: the regions' stores never overlap).
        for (int unsigned r = NR; r > 0; r--) begin
          if (ob_st_q[r-1] && !ob_q[r-1]) begin
            wr_req         = ob_dma_q[r-1];
            ob_take        = '0;
            ob_take[r-1]   = 1'b1;
          end
        end
        wr_req.start = 1'b1;
      end else if (state_q == CmplDma && !issued_q && wr_idle && ob_st_q == '0) begin
        wr_req       = core_dma;
        wr_req.start = 1'b1;
        cmpl_grant   = 1'b1;
      end
    end
    if (state_q == Idle) fr_wr_pend_d = 1'b0;
  end
  assign fr_wr_free = !fr_wr_pend_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      fr_wr_pend_q <= 1'b0;
      sh_pend_q    <= 1'b0;
    end else begin
      fr_wr_pend_q <= fr_wr_pend_d;
      sh_pend_q    <= sh_pend_d;
    end
  end
  always_ff @(posedge clk_i) begin
    fr_wr_req_q <= fr_wr_req_d;
    sh_req_q    <= sh_req_d;
  end

  // The region of the job whose request esp_crypt takes, in the slot it takes it into;
  // the region of each read, for its data a clock later.
  always_comb begin
    crypt_reg_d = crypt_reg_q;
    // (esp_crypt gives every request it takes a slot, also a CBC encryption or an ECB block
    // beside running chains.)
    if (crypt_req.start && (!crypt_busy || crypt_ready_gcm ||
                            (crypt_req.mode == esp_kernel_pkg::CryptCbcEnc && crypt_ready_cbc) ||
                            (crypt_req.mode == esp_kernel_pkg::CryptEcb && crypt_ready_ecb)))
      crypt_reg_d[crypt_slot] = in_nx_req ? 2'(nx_region) : 2'(job_region);
    crypt_rd_reg_d = cr_rd_reg;
    // A CBC encryption's chain (esp_crypt takes it whenever ready_cbc_o).
    crypt_chain_reg_d = crypt_chain_reg_q;
    for (int unsigned c = 0; c < CbcChains; c++) begin
      if (crypt_req.start && crypt_req.mode == esp_kernel_pkg::CryptCbcEnc && crypt_ready_cbc &&
          crypt_chain[c])
        crypt_chain_reg_d[c] = 2'(job_region);
    end
  end
  // The region of the cipher's read and write: a chain's (one-hot), else its slot's.
  always_comb begin
    reg_chain = '0;
    for (int unsigned c = 0; c < CbcChains; c++) begin
      for (int unsigned r = 0; r < NR; r++) begin
        if (crypt_chain_busy[c] && crypt_chain_reg_q[c] == 2'(r)) reg_chain[r] = 1'b1;
      end
    end
    cr_rd_reg = crypt_reg_q[crypt_rd_slot];
    cr_wr_reg = crypt_reg_q[crypt_wr_slot];
    if (crypt_rd_chain != '0) cr_rd_reg = '0;
    if (crypt_wr_chain != '0) cr_wr_reg = '0;
    for (int unsigned c = 0; c < CbcChains; c++) begin
      if (crypt_rd_chain[c]) cr_rd_reg = cr_rd_reg | crypt_chain_reg_q[c];
      if (crypt_wr_chain[c]) cr_wr_reg = cr_wr_reg | crypt_chain_reg_q[c];
    end
  end
  always_ff @(posedge clk_i) begin
    crypt_reg_q       <= crypt_reg_d;
    crypt_rd_reg_q    <= crypt_rd_reg_d;
    crypt_chain_reg_q <= crypt_chain_reg_d;
  end
  // The inbound framer requests only when esp_crypt is idle (crypt_ready_i), so its start
  // is taken on its clock.
  assign in_slot_d  = (in_start && in_nx_issued) ? nx_slot_q :
                      (state_q == JobRun && job_in_q && in_crypt.start && !in_nx_req) ? crypt_slot :
                      in_slot_q;
  assign in_cdone   = crypt_done && crypt_done_slot == in_slot_q;
  assign in_tag     = in_slot_q ? crypt_slot_tag[1] : crypt_slot_tag[0];
  assign in_written = in_slot_q ? crypt_slot_written[1] : crypt_slot_written[0];
  always_ff @(posedge clk_i) begin
    in_slot_q <= in_slot_d;
  end
  // Next job i+1 (step 2, pending, loaded) gets its prologue while job i, an inbound GCM
  // finalize whose request is in, runs: esp_crypt latched job i's round keys, H and H^2
  // with its request, so key_q may take job i+1's secrets from then on (not only from
  // tail_o), and job i+1's request waits in the prologue for ready_gcm_o.
  // The side port: in step 2 the next job's prologue, in step 1 the front stage's job.
  assign nx_region = esp_kernel_pkg::region_of(step2_q ? i_next : fr_k);
  assign nx_view   = view_arr[i_next[5:0]];
  assign nx_go     = state_q == JobRun && started_q && step2_q && job_in_q && in_tag_wait &&
                     !nx_on_q && i_next != n_q && pend_q[i_next[5:0]] &&
                     ld_fin > i_next;
  assign nx_on_d   = in_start ? 1'b0 : (nx_on_q || nx_go);
  assign nx_slot_d = in_nx_req ? crypt_slot : nx_slot_q;
  assign nx_cdone  = crypt_done && crypt_done_slot == nx_slot_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      nx_on_q    <= 1'b0;
      nx_start_q <= 1'b0;
    end else begin
      nx_on_q    <= nx_on_d;
      nx_start_q <= nx_go;
    end
  end
  always_ff @(posedge clk_i) nx_slot_q <= nx_slot_d;

  logic fr_dma_done, core_dma_done;
  // A framer waits only for its own loads (inbound: the rest of a datagram for a UDP
  // checksum); it hands its store over and ends.
  assign fr_dma_done   = rd_done && rd_owner_q == OwnFramer;

  // A region whose store has not yet left the buffer (a job ends when it has handed its
  // store over): the loader does not refill it before then.
  logic [NR-1:0] st_busy_q, st_busy_d;
  always_comb begin
    st_busy_d = st_busy_q;
    for (int unsigned r = 0; r < NR; r++) begin
      if (wr_done && wr_region == esp_kernel_pkg::region_e'(3'(r)))  // a framer's store
        st_busy_d[r] = 1'b0;
      if (fr_wr_pulse && reg_job[r]) st_busy_d[r] = 1'b1;
    end
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) st_busy_q <= '0;
    else st_busy_q <= st_busy_d;
  end
  assign core_dma_done = rd_done && rd_owner_q == OwnCore;  // the descriptor fetch

  // ---------------------------------------------------------------------------------------
  // Loader: job k's packet into region k mod 4 as soon as job k-4 (the region's previous
  // user) is finished and its store has left the region, so the loads of jobs i+1..i+3 run
  // during job i (and the store of job i-1): outbound at PktOff, inbound
  // at 0 (prepare: the first InPrepareBytes; finalize, in step 2: the whole datagram of a
  // pending job). It reads the descriptor's first half itself (the core's own reads go
  // first) and loads exactly the jobs esp_kernel_pkg::job_loaded admits, in order. It does
  // not wait for a load's data: the read engine keeps up to four loads in flight (AR runs
  // ahead of R), so under read latency the next job's data stream while the one after is
  // still in its latency. ld_k_q jobs went to the engine or were skipped, ld_out_q of them
  // are still loading (R data come in order, so those are the newest: a job is skipped only
  // with none in flight), so ld_fin jobs are loaded. It runs through step 1 and again
  // through step 2.
  // ---------------------------------------------------------------------------------------
  logic [31:0]  ld_off_len, ld_cap_flags;
  assign ld_off_len   = esp_kernel_pkg::le32_at(ld_c0_q, esp_reg_pkg::DescriptorWordInOffsetLen);
  assign ld_cap_flags = esp_kernel_pkg::le32_at(ld_c0_q, esp_reg_pkg::DescriptorWordCapacityFlags);
  assign ld_want      = esp_kernel_pkg::job_loaded(ld_cap_flags[0], step2_q, pend_q[ld_k_q[5:0]],
                                                   ld_off_len[31:16], ld_off_len[15:0],
                                                   ld_cap_flags[31:16]);
  assign ld_rd_en     = ld_state_q == LdRead && !core_buf.rd_en;
  assign ld_fin       = ld_k_q - {4'd0, ld_out_q};
  // Job k's region still holds job k-3's store.
  logic ld_region_storing;
  always_comb begin
    ld_region_storing = 1'b0;
    for (int unsigned r = 0; r < NR; r++) begin
      if (st_busy_q[r] && esp_kernel_pkg::region_of(ld_k_q) == esp_kernel_pkg::region_e'(3'(r)))
        ld_region_storing = 1'b1;
    end
  end
  assign ld_rd_addr   = esp_kernel_pkg::DescArea + {5'd0, ld_k_q[5:0], 5'd0};
  always_comb begin
    ld_req        = '0;
    ld_req.start  = 1'b1;
    ld_req.region = esp_kernel_pkg::region_of(ld_k_q);
    ld_req.gaddr  = {esp_kernel_pkg::le32_at(ld_c0_q, esp_reg_pkg::DescriptorWordBufAddrHi),
                     esp_kernel_pkg::le32_at(ld_c0_q, esp_reg_pkg::DescriptorWordBufAddrLo)} +
                    {48'd0, ld_off_len[31:16]};
    ld_req.laddr  = ld_cap_flags[0] ? '0 : esp_kernel_pkg::PktOff;
    ld_req.len    = esp_kernel_pkg::job_load_len(ld_cap_flags[0], step2_q, ld_off_len[15:0]);
  end
  always_comb begin
    ld_state_d = ld_state_q;
    ld_k_d     = ld_k_q;
    ld_on_d    = ld_on_q;
    ld_c0_d    = ld_c0_q;
    ld_out_d   = ld_out_q + 3'(ld_grant) - 3'(rd_done && rd_owner_q == OwnLoader);
    if (state_q == Fetch && core_dma_done && i_q + fetch_k == n_q) begin
      ld_on_d = 1'b1;
      ld_k_d  = '0;
    end
    // Step 2 (inbound finalize) loads the pending jobs again, in order; the pass ends
    // with the loader idle.
    if (state_q == JobNext && i_q == n_q && ld_k_q == n_q && ld_out_q == '0 &&
        ld_state_q == LdIdle) begin
      ld_k_d = '0;
      if (pass_last_step) ld_on_d = 1'b0;
    end
    unique case (ld_state_q)
      LdIdle: begin
        if (ld_on_q && ld_k_q < n_q && ld_k_q < i_q + 7'(NR) && !ld_region_storing) begin
          if (step2_q && !pend_q[ld_k_q[5:0]]) begin  // nothing to finalize
            if (ld_out_q == '0) ld_k_d = ld_k_q + 7'd1;
          end else begin
            ld_state_d = LdRead;
          end
        end
      end
      LdRead: if (ld_rd_en) ld_state_d = LdCap;
      LdCap: begin  // the descriptor's first half, read on the previous clock
        ld_c0_d    = desc_rd;
        ld_state_d = LdDma;
      end
      LdDma: begin
        if (!ld_want) begin
          if (ld_out_q == '0) begin
            ld_k_d     = ld_k_q + 7'd1;
            ld_state_d = LdIdle;
          end
        end else if (ld_grant) begin
          ld_k_d     = ld_k_q + 7'd1;
          ld_state_d = LdIdle;
        end
      end
      default: ld_state_d = LdIdle;
    endcase
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      ld_state_q <= LdIdle;
      ld_on_q    <= 1'b0;
      ld_k_q     <= '0;
      ld_out_q   <= '0;
    end else begin
      ld_state_q <= ld_state_d;
      ld_on_q    <= ld_on_d;
      ld_k_q     <= ld_k_d;
      ld_out_q   <= ld_out_d;
    end
  end
  always_ff @(posedge clk_i) ld_c0_q <= ld_c0_d;

  // What step 1's front stage needs of job fr_k (direction, whether the loader admitted it,
  // its length), kept per region as the loader read the descriptor (LdDma): job k's entry
  // stays until job k+4's load, which comes after job k has ended, and the stage looks at
  // it only once job k is loaded and not yet ended.
  logic [NR-1:0]       fd_in_q, fd_ok_q;
  logic [NR-1:0][15:0] fd_len_q;
  for (genvar r = 0; r < NR; r++) begin : g_fd
    always_ff @(posedge clk_i) begin
      if (ld_state_q == LdDma && esp_kernel_pkg::region_of(ld_k_q) == esp_kernel_pkg::region_e'(3'(r))) begin
        fd_in_q[r]  <= ld_cap_flags[0];
        fd_ok_q[r]  <= ld_want;
        fd_len_q[r] <= ld_off_len[15:0];
      end
    end
  end
  always_comb begin
    fr_in  = 1'b0;
    fr_ok  = 1'b0;
    fr_len = '0;
    for (int unsigned r = 0; r < NR; r++) begin
      if (nx_region == esp_kernel_pkg::region_e'(3'(r))) begin
        fr_in  = fd_in_q[r];
        fr_ok  = fd_ok_q[r];
        fr_len = fd_len_q[r];
      end
    end
  end
  assign fr_on   = ld_on_q && !step2_q;
  assign fr_have = fr_k < n_q && ld_fin > fr_k;

  assign cmd_done_o         = state_q == CmdDone;
  assign stage_load_o       = state_q == SaDispatch && op_q == 2'd2;
  assign stage_data_o       = rec_rdata;
  assign stage_clear_keys_o = state_q == SaWrite && op_q == 2'd1;
  assign desc_head_o        = desc_head_q;
  assign cmpl_tail_o        = cmpl_tail_q;
  assign busy_o             = state_q != Idle;

  logic unused_core;
  assign unused_core = ^{crypt_tail, crypt_chain_done, crypt_icv.rd_en, crypt_icv.rd_addr, spi_busy, ke_busy, d_cap_flags[15:1], ld_cap_flags[15:1], wr_busy,
                         pf_cap_flags[15:1], pf_sa[31:16], nx_buf.wr_en, nx_buf.wr_addr,
                         nx_buf.wr_data, nx_buf.wr_mask, nx_buf.rd_addr[AB-1:RB],
                         job_buf.rd_addr[AB-1:RB], job_buf.wr_addr[AB-1:RB],
                         rd_buf.rd_en, rd_buf.rd_addr, rd_buf.wr_addr[AB-1:RB],
                         wr_buf.wr_en, wr_buf.wr_addr, wr_buf.wr_data, wr_buf.wr_mask,
                         wr_buf.rd_addr[AB-1:RB], core_buf.rd_addr[AB-1:DB],
                         core_buf.wr_addr[AB-1:DB], ld_rd_addr[AB-1:DB]};

`ifndef SYNTHESIS
  // No two requesters write one buffer region in the same clock (the region split's point).
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(|(reg_load & reg_job) && job_buf.wr_en))
      else $error("esp_core: load and job write one region in one clock");
      assert (!(|(reg_load & reg_cr_wr)) && !(|(reg_cr_wr & reg_job_wr)))
      else $error("esp_core: the cipher and another writer share a region's clock");
      assert (!(|(reg_cr_rd & reg_job) && job_in_q && state_q == JobRun && job_buf.rd_en &&
                !hmac_busy))
      else $error("esp_core: an inbound framer read collides with the cipher's");
      // The side port (the next job's prologue, step 1's front stage) reads a region neither
      // the cipher nor the running framer reads on that clock.
      assert (!(|(reg_nx_rd & reg_cr_rd)) &&
              !(|(reg_nx_rd & reg_job) && job_buf.rd_en && state_q == JobRun))
      else $error("esp_core: the side port's read collides with another in its region");
      assert (!(desc_load && core_buf.wr_en))
      else $error("esp_core: fetch and core write the descriptor area in one clock");
      assert (!(rd_owner_q == OwnLoader && rd_region == job_region && state_q == JobRun &&
                job_buf.wr_en && rd_buf.wr_en))
      else $error("esp_core: the loader writes the running job's region");
      assert (!(key_en && key_we && !(state_q == SaWrite && op_q == 2'd1)) || key_q == '0)
      else $error("esp_core: secrets other than an install's written while key_q holds a key");
    end
  end
  // rec_t is sized by a literal (see esp_kernel_pkg); the regmap must agree.
  initial begin
    assert ($bits(esp_kernel_pkg::rec_t) == 32 * esp_reg_pkg::SaRecordWords)
    else $fatal(1, "esp_core: rec_t does not match esp_reg_pkg::SaRecordWords");
    // Batched fetch and completion bursts size themselves as count << 5 and count << 4.
    assert (esp_reg_pkg::DescriptorBytes == 32 && esp_reg_pkg::CompletionBytes == 16)
    else $fatal(1, "esp_core: descriptor/completion sizes changed");
  end
`endif

endmodule
