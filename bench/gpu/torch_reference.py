"""Plain PyTorch version of the reference architectures (bench/reference-archs/*.json): the same anatomy as
src/ml, trained with fwd + bwd + SGD(momentum 0.9) steps on random data; prints and saves images/s and the
large-matmul FLOP/s, for the ratio against TF.js on Dawn measured in the same run (bench/gpu/run.sh)."""
import argparse, json, math, os, platform, time
import torch
import torch.nn as nn
import torch.nn.functional as F


def reduction_indices(n, r):
    return [math.floor(n * (i + 1) / (r + 1)) for i in range(r)]


class ReLUConvBN(nn.Sequential):
    def __init__(self, cin, cout, k=1, stride=1, dilation=1, groups=1):
        pad = dilation * (k - 1) // 2
        super().__init__(nn.ReLU(), nn.Conv2d(cin, cout, k, stride, pad, dilation, groups, bias=False), nn.BatchNorm2d(cout))


class DwPwBN(nn.Sequential):
    def __init__(self, c, k, stride, dilation):
        pad = dilation * (k - 1) // 2
        super().__init__(nn.ReLU(), nn.Conv2d(c, c, k, stride, pad, dilation, groups=c, bias=False),
                         nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c))


class FactorizedReduce(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.c2 = nn.Conv2d(cin, cout - cout // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = F.relu(x)
        shifted = F.pad(x[:, :, 1:, 1:], (0, 1, 0, 1))
        return self.bn(torch.cat([self.c1(x), self.c2(shifted)], 1))


def primitive(op, c, stride):
    if op == 'max_pool_3x3':
        return nn.MaxPool2d(3, stride, 1)
    if op == 'avg_pool_3x3':
        return nn.AvgPool2d(3, stride, 1, count_include_pad=False)
    if op == 'skip_connect':
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c)
    if op.startswith('sep_conv_'):
        k = int(op[-1])
        return nn.Sequential(DwPwBN(c, k, stride, 1), DwPwBN(c, k, 1, 1))
    if op.startswith('dil_conv_'):
        return DwPwBN(c, int(op[-1]), stride, 2)
    raise ValueError(f'primitive {op} is not supported by the PyTorch reference')


class Node(nn.Module):
    def __init__(self, node, c):
        super().__init__()
        self.kind = node['kind']
        edges = node['edges'] if self.kind == 'sum' else node['choices'] if self.kind == 'multi' else None
        if edges is None:
            raise ValueError(f"node {node['id']}: kind {self.kind} has no PyTorch equivalent")
        self.inputs = [e['input'] for e in edges]
        self.ops = nn.ModuleList([primitive(e['op'], c, e['stride']) for e in edges])
        self.proj = nn.Sequential(nn.Conv2d(len(edges) * c, c, 1, bias=False), nn.BatchNorm2d(c)) if self.kind == 'multi' else None

    def forward(self, states):
        if not self.ops:
            return states[-1]
        outs = [op(states[i]) for i, op in zip(self.inputs, self.ops)]
        return self.proj(torch.cat(outs, 1)) if self.proj is not None else sum(outs)


class Cell(nn.Module):
    def __init__(self, template, c, c0, c1, factorized):
        super().__init__()
        self.pre0 = FactorizedReduce(c0, c) if factorized else ReLUConvBN(c0, c)
        self.pre1 = ReLUConvBN(c1, c)
        self.nodes = nn.ModuleList([Node(n, c) for n in template['nodes']])
        self.proj = nn.Sequential(nn.Conv2d(len(template['nodes']) * c, c, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x0, x1):
        states = [self.pre0(x0), self.pre1(x1)]
        for node in self.nodes:
            states.append(node(states))
        return self.proj(torch.cat(states[2:], 1))


class Net(nn.Module):
    def __init__(self, d):
        super().__init__()
        cs = d['initNodeChannels'] * d['stemMultiplier']
        stem = lambda: nn.Sequential(nn.Conv2d(d['input']['channels'], cs, 3, d['stemStride'], 1, bias=False), nn.BatchNorm2d(cs))
        self.stem0, self.stem1 = stem(), stem()
        red = set(reduction_indices(d['nCells'], d['nReductions']))
        c, c0, c1, prev_red, cells = d['initNodeChannels'], cs, cs, False, []
        for i in range(d['nCells']):
            kind = 'reduction' if i in red else 'normal'
            if kind == 'reduction':
                c *= 2
            cells.append(Cell(d['cells'][kind], c, c0, c1, prev_red))
            c0, c1, prev_red = c1, c, kind == 'reduction'
        self.cells = nn.ModuleList(cells)
        self.head = nn.Linear(c1, d['numClasses'])

    def forward(self, x):
        s0, s1 = self.stem0(x), self.stem1(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.head(s1.mean((2, 3)))


def sync(dev):
    if dev.type == 'cuda':
        torch.cuda.synchronize()


def images_per_second(desc, dev, batch, steps):
    net = Net(desc).to(dev)
    opt = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, weight_decay=3e-4)
    x = torch.randn(batch, desc['input']['channels'], desc['input']['height'], desc['input']['width'], device=dev)
    y = torch.randint(0, desc['numClasses'], (batch,), device=dev)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
        return loss.item()  # a readback per step, as the TF.js trainers do

    step()
    sync(dev)
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    sync(dev)
    return batch * steps / (time.perf_counter() - t0)


def matmul_flops(n, dev, reps=10):
    a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)
    a @ b
    sync(dev)
    t0 = time.perf_counter()
    for _ in range(reps):
        c = a @ b
    sync(dev)
    return 2 * n ** 3 * reps / (time.perf_counter() - t0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--archs', default=os.path.join(os.path.dirname(__file__), '..', 'reference-archs'))
    p.add_argument('--out', required=True)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--steps', type=int, default=20)
    p.add_argument('--matmul', type=int, default=2048)
    a = p.parse_args()
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cudnn.benchmark = True
    mm = matmul_flops(a.matmul, dev)
    print(f'torch {dev}: matmul {a.matmul}x{a.matmul}: {mm / 1e9:.1f} GFLOP/s')
    rows = []
    for name in ('seed', 'grown'):
        with open(os.path.join(a.archs, f'{name}.json')) as f:
            desc = json.load(f)
        ips = images_per_second(desc, dev, a.batch, a.steps)
        rows.append({'arch': name, 'batch': a.batch, 'steps': a.steps, 'imgPerSec': ips})
        print(f'torch {dev} {name}: {ips:.1f} img/s (batch {a.batch})')
    info = {'device': torch.cuda.get_device_name(0) if dev.type == 'cuda' else platform.processor(), 'torch': torch.__version__}
    with open(a.out, 'w') as f:
        json.dump({'machine': info, 'matmulFlops': mm, 'matmulN': a.matmul, 'rows': rows}, f, indent=2)


if __name__ == '__main__':
    main()
