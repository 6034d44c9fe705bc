# Packages kernels/rtl's esp_top as a Vitis RTL kernel with user-managed control (the host
# drives the regmap registers itself through xrt::ip; there is no ap_ctrl handshake).
# Run through the Makefile beside it (`make xo`), or:
#   vivado -mode batch -source package_kernel.tcl -tclargs <repo root> <esp_reg_pkg.sv> <out.xo> [part] [enable_cbc]
# enable_cbc 0 packages the GCM-only kernel (esp_top's EnableCbc = 0: no CBC or HMAC engines;
# its features register reads 0x1 and driver/hw refuses CBC SAs on it).
# Interfaces Vitis infers from the port names: s_axi_control (AXI4-Lite, 4 KiB window),
# m_axi_gmem (AXI4 master, 64-bit address, 128-bit data), ap_clk, ap_rst_n, interrupt.
set root      [lindex $argv 0]
set regmap_sv [lindex $argv 1]
set xo_path   [lindex $argv 2]
set part      [lindex $argv 3]
if {$part eq ""} { set part xcu250-figd2104-2L-e }
set enable_cbc [lindex $argv 4]
if {$enable_cbc eq ""} { set enable_cbc 1 }
set work      [file normalize ./esp_top_pkg]
set ip_dir    [file normalize ./packaged_kernel]

# Sources: packages first (the SV both Vivado and Yosys read: no `import`, packages parsed
# before use), then every module of kernels/rtl; Vivado elaborates only what esp_top uses.
set rtl [file join $root kernels rtl]
set packages [list [file join $rtl esp_aes_pkg.sv] $regmap_sv [file join $rtl esp_kernel_pkg.sv]]
set modules {}
foreach f [lsort [glob -directory $rtl *.sv]] {
  if {[lsearch -exact $packages $f] < 0} { lappend modules $f }
}

create_project -force esp_top_pkg $work -part $part
add_files -norecurse [concat $packages $modules]
set_property file_type SystemVerilog [get_files *.sv]
set_property top esp_top [current_fileset]
set_property generic "EnableCbc=$enable_cbc" [current_fileset]
update_compile_order -fileset sources_1

ipx::package_project -root_dir $ip_dir -vendor espgw.org -library kernel -taxonomy /KernelIP \
    -import_files -set_current true
set core [ipx::current_core]
set_property name esp_top $core
set_property display_name "espgw ESP kernel (RTL)" $core
set_property description "IPsec ESP encap/decap; registers per driver/regmap/esp_regs.json" $core

# Vitis kernel properties (user-managed control).
set_property sdx_kernel true $core
set_property sdx_kernel_type rtl $core
set_property ipi_drc {ignore_freq_hz true} $core
set_property vitis_drc {ctrl_protocol user_managed} $core

# Clock, reset and interrupt; both AXI interfaces run on ap_clk.
ipx::infer_bus_interface ap_clk xilinx.com:signal:clock_rtl:1.0 $core
ipx::infer_bus_interface ap_rst_n xilinx.com:signal:reset_rtl:1.0 $core
ipx::infer_bus_interface interrupt xilinx.com:signal:interrupt_rtl:1.0 $core
ipx::associate_bus_interfaces -busif s_axi_control -clock ap_clk $core
ipx::associate_bus_interfaces -busif m_axi_gmem -clock ap_clk $core
set_property value ap_rst_n [ipx::get_bus_parameters ASSOCIATED_RESET \
    -of_objects [ipx::get_bus_interfaces ap_clk -of_objects $core]]

# The control window and one argument register: Vitis needs at least one register on
# s_axi_control, and a register associated with m_axi_gmem is what connectivity's
# `sp=esp_top_1.desc_ring:<bank>` names. It is the descriptor ring address (desc_ring_lo/hi,
# 0x040, 64 bits); XRT never writes it (xrt::ip), driver/hw does.
set mem_map [ipx::add_memory_map s_axi_control $core]
set_property slave_memory_map_ref s_axi_control [ipx::get_bus_interfaces s_axi_control -of_objects $core]
set block [ipx::add_address_block reg0 $mem_map]
set_property range 0x1000 $block
set_property width 32 $block
set reg [ipx::add_register desc_ring $block]
set_property address_offset 0x040 $reg
set_property size 64 $reg
set_property value m_axi_gmem [ipx::add_register_parameter ASSOCIATED_BUSIF $reg]

# The build's EnableCbc is fixed in the packaged core, not left as a user parameter.
set cbc_param [ipx::get_user_parameters EnableCbc -of_objects $core]
if {$cbc_param ne ""} {
  set_property value $enable_cbc $cbc_param
  set_property enablement_value false $cbc_param
}
set_property core_revision 1 $core
ipx::create_xgui_files $core
ipx::update_checksums $core
ipx::check_integrity -kernel $core
ipx::save_core $core
close_project

package_xo -force -xo_path $xo_path -kernel_name esp_top -ctrl_protocol user_managed -ip_directory $ip_dir
puts "kernels/vitis: wrote $xo_path"
