using Robot.Simulator.Physics;
using Robot.Simulator.Tests.Support;

namespace Robot.Simulator.Tests.Physics;

/// <summary>
/// The simulator's physics against published values. Sources: SNT0570.md (dose-rate constants),
/// NIST XCOM (µ/ρ), ANSI/ANS-6.4.3-1991 exposure build-up factors as tabulated in D. K. Trubey,
/// NUREG/CR-5740 (1991) Table 3, ICRP 74 Table A.21 (H*(10) per fluence).
/// </summary>
public class ReferenceValueTests
{
    [Theory]
    [InlineData(Nuclide.Cs137, 0.093)]
    [InlineData(Nuclide.Co60, 0.35)]
    [InlineData(Nuclide.Ir192, 0.13)]
    [InlineData(Nuclide.Ra226, 0.22)]
    [InlineData(Nuclide.Th232, 0.26)]
    [InlineData(Nuclide.K40, 0.021)]
    [InlineData(Nuclide.Am241, 0.0058)]
    public void Gamma_A_over_r_squared_at_1_and_2_m_within_the_air(Nuclide nuclide, double gamma)
    {
        var yard = Probes.QuietYard(out _);
        yard.AddSource(new PointSource(nuclide, 500, new Vec3(0, 0, 1.5)));
        foreach (var r in new[] { 1.0, 2.0 })
        {
            var expected = gamma * 500 / (r * r);
            var dose = yard.DoseAt(new Vec3(r, 0, 1.5)).PointSources;
            // Air (NIST µ/ρ, 1.205 mg/cm³) takes 0.9 %/m at 662 keV, at most 2.3 %/m at 59.5 keV.
            Assert.InRange(dose / expected, 1 - 0.024 * r, 1 - 0.002 * r);
        }
    }

    [Theory]
    [InlineData(Nuclide.Cs137)]
    [InlineData(Nuclide.Co60)]
    [InlineData(Nuclide.Ir192)]
    [InlineData(Nuclide.Ra226)]
    [InlineData(Nuclide.Th232)]
    [InlineData(Nuclide.K40)]
    [InlineData(Nuclide.Am241)]
    [InlineData(Nuclide.Ba133)]
    [InlineData(Nuclide.I131)]
    public void The_line_shares_sum_to_the_constant(Nuclide nuclide)
    {
        var data = NuclideData.Of(nuclide);
        Assert.Equal(1.0, data.Lines.Sum(l => l.DoseShare), 1e-12);
        Assert.All(data.Lines, l => Assert.Equal(nuclide, l.Nuclide));
        // The field of an unshielded source is split over exactly these groups and sums to Γ·A/r².
        Span<double> groups = stackalloc double[NuclideData.GroupCount];
        groups.Clear();
        NuclideData.AddUnshielded(nuclide, 1.0, groups);
        var sum = 0.0;
        foreach (var g in groups) sum += g;
        Assert.Equal(1.0, sum, 1e-12);
        for (var i = 0; i < data.Lines.Count; i++) Assert.Equal(data.Lines[i].DoseShare, groups[NuclideData.FirstGroup(nuclide) + i], 1e-15);
    }

    [Theory]
    // SNT0570.md constants; the sum over the modelled lines of yield × ICRP 74 h*(10)(E) must give them
    // within 3 % (X-rays under 50 keV and weak lines are left out: Am-241 and Ba-133 are not checked).
    [InlineData(Nuclide.Cs137, 0.093)]
    [InlineData(Nuclide.Co60, 0.35)]
    [InlineData(Nuclide.Ir192, 0.13)]
    [InlineData(Nuclide.Ra226, 0.22)]
    [InlineData(Nuclide.Th232, 0.26)]
    [InlineData(Nuclide.K40, 0.021)]
    public void The_lines_reproduce_the_published_constant(Nuclide nuclide, double gamma)
    {
        Assert.InRange(NuclideData.Of(nuclide).GammaFromLines / gamma, 0.97, 1.03);
    }

    [Fact]
    public void Co60_splits_between_its_two_lines_by_yield_times_h_star()
    {
        // ICRP 74: h*(10) = 5.20 pSv·cm² at 1 MeV, 6.90 at 1.5 MeV; log-log at 1173 and 1332 keV: 5.81, 6.35.
        var lines = NuclideData.Of(Nuclide.Co60).Lines;
        var w1173 = 0.9985 * 5.81;
        var w1332 = 0.9998 * 6.35;
        Assert.Equal(w1173 / (w1173 + w1332), lines[0].DoseShare, 0.005);
        Assert.Equal(1173.2, lines[0].EnergyKeV, 0.1);
        Assert.Equal(1332.5, lines[1].EnergyKeV, 0.1);
    }

    [Theory]
    // NIST XCOM µ/ρ (cm²/g, coherent included): iron 0.07316 at 662 keV (0.576 /cm), 0.05350 at 1.25 MeV;
    // water 0.08574, 0.06323; ordinary concrete 0.07767, 0.05807.
    [InlineData("iron", 662, 0.07316)]
    [InlineData("iron", 1250, 0.05350)]
    [InlineData("water", 662, 0.08574)]
    [InlineData("water", 1250, 0.06323)]
    [InlineData("concrete", 662, 0.07767)]
    [InlineData("concrete", 1250, 0.05807)]
    public void Narrow_beam_transmission_is_exp_minus_mu_x_with_NIST_mu(string name, double energyKeV, double nistMuRho)
    {
        var material = Material.ByName(name);
        var rho = material.NominalDensityGPerCm3;
        // Three mean free paths of the NIST coefficient: exp(-3) within 2 %.
        var x = 3 / (nistMuRho * rho);
        var narrow = Math.Exp(-material.LinearPerMetre(energyKeV, rho) * x / 100);
        Assert.Equal(1.0, narrow / Math.Exp(-3), 0.02 * 3);
        Assert.Equal(nistMuRho, material.MassAttenuation(energyKeV), nistMuRho * 0.02);
    }

    [Theory]
    // ANSI/ANS-6.4.3 exposure build-up factors, NUREG/CR-5740 Table 3 (point isotropic, infinite medium).
    [InlineData("iron", 1000, 1, 1.85)]
    [InlineData("iron", 1000, 10, 15.8)]
    [InlineData("iron", 1000, 20, 41.3)]
    [InlineData("iron", 500, 10, 19.1)]
    [InlineData("iron", 500, 20, 55.4)]
    [InlineData("iron", 3000, 10, 8.80)]
    [InlineData("iron", 100, 1, 1.40)]
    [InlineData("water", 1000, 1, 2.08)]
    [InlineData("water", 1000, 10, 26.1)]
    [InlineData("water", 500, 2, 4.88)]
    [InlineData("water", 500, 10, 62.9)]
    [InlineData("water", 2000, 10, 12.7)]
    [InlineData("concrete", 1000, 1, 1.98)]
    [InlineData("concrete", 1000, 4, 6.42)]
    [InlineData("concrete", 1000, 10, 20.7)]
    [InlineData("concrete", 500, 4, 8.97)]
    [InlineData("concrete", 500, 10, 36.4)]
    [InlineData("concrete", 600, 10, 31.8)]
    [InlineData("concrete", 100, 1, 2.78)]
    [InlineData("concrete", 2000, 4, 4.61)]
    public void Build_up_matches_the_ANS_6_4_3_table(string name, double energyKeV, double mfp, double tabulated)
    {
        var b = BuildUp.Curve(Material.ByName(name), energyKeV).At(mfp);
        Assert.InRange(b / tabulated, 0.98, 1.02);
    }

    [Fact]
    public void Build_up_is_far_from_one_plus_mu_x_where_it_matters()
    {
        // Thick organic cargo: water at 662 keV, 5 mfp: table (0.6 MeV 5 mfp 13.1? not used) - the G-P
        // value is well over twice 1 + µx = 6; 60 keV in 2 mm steel (2.4 mfp): B about 1.2, under 1 + µx = 3.4.
        Assert.True(BuildUp.Curve(Material.Water, 662).At(5) > 2 * 6);
        var steel60 = 9.5 * 0.2 * 1.25;
        Assert.InRange(BuildUp.Curve(Material.Iron, 59.5).At(steel60), 1.05, 1.4);
    }

    [Fact]
    public void Broad_beam_transmission_through_concrete_uses_the_tabulated_build_up()
    {
        // Cs-137 behind 4 mfp of ordinary concrete (a large block, walls negligible): T = B·exp(-4) with
        // B from Table 3 at 0.6 MeV (8.25) and 0.8 MeV (7.18), log-log at 662 keV: 7.89.
        var mu = Material.Concrete.LinearPerMetre(661.657, 2.3);
        var depth = 4 / mu;
        var bare = Probes.QuietYard(out _);
        var shielded = Probes.QuietYard(out _);
        shielded.AddContainer(Container.Custom(6, 6, 6, 0, 0, new Cargo(Material.Concrete, 2.3), 1e-6));
        var source = new Vec3(0, 3 - depth, 3);
        var detector = new Vec3(0, 3.5, 3);
        bare.AddSource(new PointSource(Nuclide.Cs137, 100, source));
        shielded.AddSource(new PointSource(Nuclide.Cs137, 100, source));
        var t = shielded.DoseAt(detector).PointSources / bare.DoseAt(detector).PointSources;
        var b = Math.Exp(Math.Log(8.25) + Math.Log(662.0 / 600) / Math.Log(800.0 / 600) * (Math.Log(7.18) - Math.Log(8.25)));
        Assert.InRange(t / (b * Math.Exp(-4)), 0.97, 1.03);
    }

    [Fact]
    public void A_multilayer_ray_takes_the_build_up_of_the_material_with_most_mean_free_paths()
    {
        var curves = new[] { BuildUp.Curve(0, 662), BuildUp.Curve(1, 662), BuildUp.Curve(2, 662) };
        // 0.2 mfp of steel then 6 mfp of water: water's build-up at 6.2 mfp.
        double[] mfp = [0.2, 6, 0];
        Assert.Equal(curves[1].At(6.2) * Math.Exp(-6.2), BuildUp.Transmission(mfp, curves), 1e-12);
        double[] steelOnly = [3, 0, 0];
        Assert.Equal(curves[0].At(3) * Math.Exp(-3), BuildUp.Transmission(steelOnly, curves), 1e-12);
        Assert.Equal(1, BuildUp.Transmission(new double[3], curves));
    }

    [Fact]
    public void Bulk_yield_of_an_infinite_chord_is_one_and_grows_with_the_chord()
    {
        var table = BulkYieldTable.For(Material.Water.Kind, NuclideData.FirstGroup(Nuclide.K40));
        Assert.Equal(1.0, table.Yield(0, 1000), 1e-12);
        Assert.True(table.Yield(0, 1) < table.Yield(0, 3));
        Assert.True(table.Yield(0.5, 3) < table.Yield(0, 3));
        // Without build-up the first mfp would give 1 - 1/e = 0.63 of an infinite chord; with it less,
        // since the scattered photons from deep down count too.
        Assert.InRange(table.Yield(0, 1), 0.2, 0.6);
    }
}
