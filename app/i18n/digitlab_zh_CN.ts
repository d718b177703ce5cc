<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <source>known once PyTorch has loaded</source>
        <translation>PyTorch 加载后可知</translation>
    </message>
    <message>
        <source>{0}; available: {1}</source>
        <translation>{0}；可用：{1}</translation>
    </message>
    <message>
        <source>{0} on {1} {2}</source>
        <translation>{0}，运行于 {1} {2}</translation>
    </message>
    <message>
        <source>Training device</source>
        <translation>训练设备</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>User guide</source>
        <translation>用户指南</translation>
    </message>
</context>
<context>
    <name>AccuracyPlot</name>
    <message>
        <source>Accuracy per epoch</source>
        <translation>每轮准确率</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>训练轮</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>准确率（%）</translation>
    </message>
    <message>
        <source>#{0} test</source>
        <translation>#{0} 测试</translation>
    </message>
    <message>
        <source>train (dashed)</source>
        <translation>训练（虚线）</translation>
    </message>
</context>
<context>
    <name>ArchitectureBuilder</name>
    <message>
        <source>Restore the last network</source>
        <translation>恢复上次的网络</translation>
    </message>
    <message>
        <source>Start from a registered model (Ctrl+Z goes back)</source>
        <translation>从已注册的模型开始（Ctrl+Z 可撤销）</translation>
    </message>
    <message>
        <source>Preset…</source>
        <translation>预设…</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Start an empty network (Ctrl+Z goes back)</source>
        <translation>从空网络开始（Ctrl+Z 可撤销）</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Open a JSON model spec</source>
        <translation>打开 JSON 模型定义</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Save as a JSON spec: train it with digitlab train --model-spec FILE</source>
        <translation>保存为 JSON 模型定义：用 digitlab train --model-spec FILE 训练</translation>
    </message>
    <message>
        <source>Export code…</source>
        <translation>导出代码…</translation>
    </message>
    <message>
        <source>Write a standalone PyTorch module (class Net) that needs only torch</source>
        <translation>写出只依赖 torch 的独立 PyTorch 模块（class Net）</translation>
    </message>
    <message>
        <source>Train this</source>
        <translation>训练此网络</translation>
    </message>
    <message>
        <source>Put this network in the Train tab and go there</source>
        <translation>把这个网络放入“训练”页并切换过去</translation>
    </message>
    <message>
        <source>{0}: {1} Click to add it after the selected layer.</source>
        <translation>{0}：{1} 点击即可添加到所选层之后。</translation>
    </message>
    <message>
        <source>The network is empty: add layers from the palette.</source>
        <translation>网络是空的：请从层面板添加层。</translation>
    </message>
    <message>
        <source>{0} layers → {1} outputs · {2:,} parameters · {3:,} MACs per image ({4}) · {5:.2f} MFLOPs</source>
        <translation>{0} 层 → {1} 个输出 · {2:,} 个参数 · 每张图 {3:,} 次乘加（{4}）· {5:.2f} MFLOPs</translation>
    </message>
    <message>
        <source>Layer {0} ({1}): {2}</source>
        <translation>第 {0} 层（{1}）：{2}</translation>
    </message>
    <message>
        <source>Add {0}</source>
        <translation>添加 {0}</translation>
    </message>
    <message>
        <source>Remove layer</source>
        <translation>删除层</translation>
    </message>
    <message>
        <source>Move layer</source>
        <translation>移动层</translation>
    </message>
    <message>
        <source>New network</source>
        <translation>新建网络</translation>
    </message>
    <message>
        <source>Load {0}</source>
        <translation>加载 {0}</translation>
    </message>
    <message>
        <source>Change {0}</source>
        <translation>修改 {0}</translation>
    </message>
    <message>
        <source>Change network {0}</source>
        <translation>修改网络 {0}</translation>
    </message>
</context>
<context>
    <name>BatchNormDialog</name>
    <message>
        <source>Inside BatchNorm</source>
        <translation>BatchNorm 内部</translation>
    </message>
</context>
<context>
    <name>BatchNormView</name>
    <message>
        <source>The BatchNorm layer to look inside</source>
        <translation>要查看内部的 BatchNorm 层</translation>
    </message>
    <message>
        <source>Eval mode</source>
        <translation>评估模式</translation>
    </message>
    <message>
        <source>Normalise with the running statistics (E)</source>
        <translation>用滑动统计量归一化（E）</translation>
    </message>
    <message>
        <source>Train mode</source>
        <translation>训练模式</translation>
    </message>
    <message>
        <source>Normalise with the drawing&apos;s own statistics (T)</source>
        <translation>用这幅手写自身的统计量归一化（T）</translation>
    </message>
    <message>
        <source>running μ</source>
        <translation>滑动 μ</translation>
    </message>
    <message>
        <source>running σ</source>
        <translation>滑动 σ</translation>
    </message>
    <message>
        <source>Per channel: μ_B and σ_B of this drawing&apos;s batch (train mode normalises with them), the running μ and σ gathered in training (eval mode uses them), and the learned scale γ and shift β: y = (x − μ) / √(σ² + ε) · γ + β</source>
        <translation>每个通道：这幅手写所成批次的 μ_B 和 σ_B（训练模式用它们归一化）、训练中累积的滑动 μ 和 σ（评估模式使用它们），以及学到的缩放 γ 和平移 β：y = (x − μ) / √(σ² + ε) · γ + β</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>层：</translation>
    </message>
    <message>
        <source>This model has no BatchNorm layer.</source>
        <translation>此模型没有 BatchNorm 层。</translation>
    </message>
    <message>
        <source>Draw a digit to see it go through {0}.</source>
        <translation>写一个数字，看看它如何通过 {0}。</translation>
    </message>
    <message>
        <source>Could not look inside: {0}</source>
        <translation>无法查看内部：{0}</translation>
    </message>
    <message>
        <source>Train mode: each channel is normalised with this drawing&apos;s own μ_B and σ_B (the drawing is the whole batch), so every map comes out with mean β and spread γ, however faint it was.</source>
        <translation>训练模式：每个通道用这幅手写自身的 μ_B 和 σ_B 归一化（这幅手写就是整个批次），所以无论原来多淡，每张特征图输出的均值都是 β、离散程度都是 γ。</translation>
    </message>
    <message>
        <source>Eval mode: each channel is normalised with the running μ and σ gathered over the training set, so a faint map stays faint — what the model does when it answers.</source>
        <translation>评估模式：每个通道用在训练集上累积的滑动 μ 和 σ 归一化，所以淡的特征图仍然是淡的——这正是模型作答时的做法。</translation>
    </message>
    <message>
        <source>Before {0} (its input)</source>
        <translation>{0} 之前（它的输入）</translation>
    </message>
    <message>
        <source>After {0}, {1}</source>
        <translation>{0} 之后，{1}</translation>
    </message>
    <message>
        <source>train mode</source>
        <translation>训练模式</translation>
    </message>
    <message>
        <source>eval mode</source>
        <translation>评估模式</translation>
    </message>
</context>
<context>
    <name>BuilderFiles</name>
    <message>
        <source>Save model spec</source>
        <translation>保存模型定义</translation>
    </message>
    <message>
        <source>Model specs (*.json);;All files (*)</source>
        <translation>模型定义 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not save the spec: {0}</source>
        <translation>无法保存模型定义：{0}</translation>
    </message>
    <message>
        <source>Saved the spec to {0}</source>
        <translation>模型定义已保存到 {0}</translation>
    </message>
    <message>
        <source>Open model spec</source>
        <translation>打开模型定义</translation>
    </message>
    <message>
        <source>Could not open {0}: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <source>Open {0}</source>
        <translation>打开 {0}</translation>
    </message>
    <message>
        <source>Export PyTorch code</source>
        <translation>导出 PyTorch 代码</translation>
    </message>
    <message>
        <source>Python files (*.py);;All files (*)</source>
        <translation>Python 文件 (*.py);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not export the code: {0}</source>
        <translation>无法导出代码：{0}</translation>
    </message>
    <message>
        <source>Wrote {0}: class Net, needs only torch</source>
        <translation>已写出 {0}：class Net，只依赖 torch</translation>
    </message>
</context>
<context>
    <name>CanvasPanel</name>
    <message>
        <source>Canvas</source>
        <translation>画布</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Paste image</source>
        <translation>粘贴图片</translation>
    </message>
    <message>
        <source>Brush width</source>
        <translation>笔刷粗细</translation>
    </message>
    <message>
        <source>{0} px</source>
        <translation>{0} px</translation>
    </message>
</context>
<context>
    <name>ChartSaver</name>
    <message>
        <source>Save chart…</source>
        <translation>保存图表…</translation>
    </message>
    <message>
        <source>Save this chart as a PNG picture, an SVG drawing, or its data as CSV</source>
        <translation>把这个图表保存为 PNG 图片、SVG 矢量图，或把其数据保存为 CSV</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <source>Could not save {0}: {1}</source>
        <translation>无法保存 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>CodeLink</name>
    <message>
        <source>no model yet</source>
        <translation>还没有模型</translation>
    </message>
    <message>
        <source>{0}: the feature maps come from the model on the canvas ({1}), which is not this network. Train it (Build ▸ Train this) to see its maps.</source>
        <translation>{0}：特征图来自画布上的模型（{1}），不是这个网络。训练它（搭建 ▸ 训练此网络）即可看到它的特征图。</translation>
    </message>
</context>
<context>
    <name>CodePanel</name>
    <message>
        <source>Whose code to show: the network being built in the Build tab, or the model the canvas uses (with its input normalisation and class names)</source>
        <translation>显示谁的代码：“搭建”页中正在搭建的网络，或画布使用的模型（含输入归一化和类别名称）</translation>
    </message>
    <message>
        <source>Network in Build</source>
        <translation>搭建中的网络</translation>
    </message>
    <message>
        <source>Model on the canvas</source>
        <translation>画布上的模型</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the whole file to the clipboard (Ctrl+C in the code copies the selection, or everything when none)</source>
        <translation>把整个文件复制到剪贴板（在代码中按 Ctrl+C 复制所选内容，未选择时复制全部）</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Save the code as a .py file that needs only torch</source>
        <translation>把代码保存为只依赖 torch 的 .py 文件</translation>
    </message>
    <message>
        <source>Point at a layer&apos;s row in the Build tab to light its line here; click a layer&apos;s line to select its row and see its feature maps</source>
        <translation>指向“搭建”页中某层的行即可点亮这里对应的代码行；点击某层的代码行可选中它的行并查看其特征图</translation>
    </message>
    <message>
        <source>No model on the canvas yet.</source>
        <translation>画布上还没有模型。</translation>
    </message>
    <message>
        <source>The model on the canvas: {0}</source>
        <translation>画布上的模型：{0}</translation>
    </message>
    <message>
        <source>The Build tab has no network yet.</source>
        <translation>“搭建”页还没有网络。</translation>
    </message>
    <message>
        <source>{0} does not build: {1} The code below is the last one that did.</source>
        <translation>{0} 无法构建：{1} 下面是上一次能构建时的代码。</translation>
    </message>
    <message>
        <source>The network in the Build tab: {0}</source>
        <translation>“搭建”页中的网络：{0}</translation>
    </message>
    <message>
        <source>Copied the code of {0}</source>
        <translation>已复制 {0} 的代码</translation>
    </message>
    <message>
        <source>Save PyTorch code</source>
        <translation>保存 PyTorch 代码</translation>
    </message>
    <message>
        <source>Python files (*.py);;All files (*)</source>
        <translation>Python 文件 (*.py);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not save the code: {0}</source>
        <translation>无法保存代码：{0}</translation>
    </message>
    <message>
        <source>Saved the code to {0}</source>
        <translation>代码已保存到 {0}</translation>
    </message>
</context>
<context>
    <name>ColourKey</name>
    <message>
        <source>One scale per layer: colours compare across its maps. m is the layer&apos;s (or, per map, the map&apos;s) largest magnitude.</source>
        <translation>每层一个色标：同一层的特征图颜色可相互比较。m 为该层（按图缩放时为该图）的最大绝对值。</translation>
    </message>
    <message>
        <source>0</source>
        <translation>0</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最大</translation>
    </message>
    <message>
        <source>never negative</source>
        <translation>从不为负</translation>
    </message>
    <message>
        <source>−m</source>
        <translation>−m</translation>
    </message>
    <message>
        <source>+m</source>
        <translation>+m</translation>
    </message>
    <message>
        <source>negative blue, positive red</source>
        <translation>负值为蓝，正值为红</translation>
    </message>
</context>
<context>
    <name>CompareSide</name>
    <message>
        <source>The model on this side (any model on the shelf)</source>
        <translation>这一侧的模型（模型架上的任意模型）</translation>
    </message>
    <message>
        <source>Cannot load this model: {0}</source>
        <translation>无法加载此模型：{0}</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>The same drawing, two models: pick any two from the shelf.</source>
        <translation>同一幅手写，两个模型：从模型架任选两个。</translation>
    </message>
</context>
<context>
    <name>ConfusionView</name>
    <message>
        <source>true class</source>
        <translation>真实类别</translation>
    </message>
    <message>
        <source>predicted class</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>{0}: {1} read correctly</source>
        <translation>{0}：{1} 张识别正确</translation>
    </message>
    <message>
        <source>{0} read as {1}: {2}</source>
        <translation>{0} 被识别为 {1}：{2}</translation>
    </message>
    <message>
        <source> (click to see them)</source>
        <translation>（点击查看）</translation>
    </message>
</context>
<context>
    <name>ConvControls</name>
    <message>
        <source> (height)</source>
        <translation>（高）</translation>
    </message>
    <message>
        <source> (width)</source>
        <translation>（宽）</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>The first channel of the input used</source>
        <translation>所用输入的第一个通道</translation>
    </message>
    <message>
        <source>From channel</source>
        <translation>起始通道</translation>
    </message>
    <message>
        <source>Kernel</source>
        <translation>卷积核</translation>
    </message>
    <message>
        <source>Edge [1, −1] (tutorials)</source>
        <translation>边缘 [1, −1]（教程）</translation>
    </message>
    <message>
        <source>Sobel x (vertical edges)</source>
        <translation>Sobel x（竖直边缘）</translation>
    </message>
    <message>
        <source>Sobel y (horizontal edges)</source>
        <translation>Sobel y（水平边缘）</translation>
    </message>
    <message>
        <source>Blur (3×3 mean)</source>
        <translation>模糊（3×3 均值）</translation>
    </message>
    <message>
        <source>Sharpen</source>
        <translation>锐化</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>恒等</translation>
    </message>
    <message>
        <source>1×1 mixing 3 → 2 channels</source>
        <translation>1×1 混合 3 → 2 个通道</translation>
    </message>
    <message>
        <source>Typed in</source>
        <translation>手动输入</translation>
    </message>
    <message>
        <source>The canvas model&apos;s</source>
        <translation>画布模型的</translation>
    </message>
    <message>
        <source>The layer&apos;s first output channel used</source>
        <translation>所用该层的第一个输出通道</translation>
    </message>
    <message>
        <source>The layer&apos;s first input channel used</source>
        <translation>所用该层的第一个输入通道</translation>
    </message>
    <message>
        <source>Model layer</source>
        <translation>模型层</translation>
    </message>
    <message>
        <source>out</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>in</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Conv2d parameters</source>
        <translation>Conv2d 参数</translation>
    </message>
    <message>
        <source>in_channels</source>
        <translation>in_channels</translation>
    </message>
    <message>
        <source>out_channels</source>
        <translation>out_channels</translation>
    </message>
    <message>
        <source>In channels</source>
        <translation>输入通道数</translation>
    </message>
    <message>
        <source>Out channels</source>
        <translation>输出通道数</translation>
    </message>
    <message>
        <source>Kernel size</source>
        <translation>卷积核大小</translation>
    </message>
    <message>
        <source>kernel_size</source>
        <translation>kernel_size</translation>
    </message>
    <message>
        <source>Stride</source>
        <translation>步幅</translation>
    </message>
    <message>
        <source>stride</source>
        <translation>stride</translation>
    </message>
    <message>
        <source>Padding</source>
        <translation>填充</translation>
    </message>
    <message>
        <source>padding</source>
        <translation>padding</translation>
    </message>
    <message>
        <source>Dilation</source>
        <translation>膨胀</translation>
    </message>
    <message>
        <source>dilation</source>
        <translation>dilation</translation>
    </message>
    <message>
        <source>zeros: pad with 0</source>
        <translation>zeros：补 0</translation>
    </message>
    <message>
        <source>reflect: mirror the inside</source>
        <translation>reflect：镜像内部</translation>
    </message>
    <message>
        <source>replicate: repeat the edge</source>
        <translation>replicate：重复边缘</translation>
    </message>
    <message>
        <source>circular: wrap around</source>
        <translation>circular：循环环绕</translation>
    </message>
    <message>
        <source>Padding mode</source>
        <translation>填充方式</translation>
    </message>
    <message>
        <source>groups</source>
        <translation>groups</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Bias</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>The bias added to every output value (a model kernel brings its layer&apos;s own biases)</source>
        <translation>加到每个输出值上的偏置（模型的卷积核带有其所在层自己的偏置）</translation>
    </message>
    <message>
        <source>Then</source>
        <translation>然后</translation>
    </message>
    <message>
        <source>No activation</source>
        <translation>无激活</translation>
    </message>
    <message>
        <source>No pooling</source>
        <translation>无池化</translation>
    </message>
    <message>
        <source>Max</source>
        <translation>最大</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Pooling window</source>
        <translation>池化窗口</translation>
    </message>
    <message>
        <source>Pooling stride</source>
        <translation>池化步幅</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Pooling</source>
        <translation>池化</translation>
    </message>
    <message>
        <source>size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>stride</source>
        <comment>the pooling window&apos;s step</comment>
        <translation>步幅</translation>
    </message>
</context>
<context>
    <name>ConvExplorer</name>
    <message>
        <source>Input (padded), ch %1</source>
        <translation>输入（已填充），通道 %1</translation>
    </message>
    <message>
        <source>Output ch %1</source>
        <translation>输出通道 %1</translation>
    </message>
    <message>
        <source>No activation</source>
        <translation>无激活</translation>
    </message>
    <message>
        <source>No pooling</source>
        <translation>无池化</translation>
    </message>
    <message>
        <source>%1 pool</source>
        <translation>%1池化</translation>
    </message>
    <message>
        <source>A kernel value must be a number.</source>
        <translation>卷积核的值必须是数字。</translation>
    </message>
</context>
<context>
    <name>ConvFlipChoice</name>
    <message>
        <source>True convolution (flip the kernel)</source>
        <translation>真正的卷积（翻转卷积核）</translation>
    </message>
    <message>
        <source>Turn the kernel half a turn (top to bottom, left to right) before sliding it: the convolution of mathematics and signal processing</source>
        <translation>滑动之前先把卷积核旋转半圈（上下、左右翻转）：即数学和信号处理中的卷积</translation>
    </message>
    <message>
        <source>Conv2d computes a cross-correlation: it slides the kernel unflipped.</source>
        <translation>Conv2d 计算的是互相关：它滑动的是未翻转的卷积核。</translation>
    </message>
</context>
<context>
    <name>ConvInputs</name>
    <message>
        <source>Drawing (ink = 1)</source>
        <translation>手写（墨迹 = 1）</translation>
    </message>
    <message>
        <source>Model input (pixels in [0, 1])</source>
        <translation>模型输入（像素在 [0, 1] 之间）</translation>
    </message>
    <message>
        <source>Model input (normalised)</source>
        <translation>模型输入（已归一化）</translation>
    </message>
    <message>
        <source>%1 output</source>
        <translation>%1 的输出</translation>
    </message>
    <message>
        <source>Typed in</source>
        <translation>手动输入</translation>
    </message>
    <message>
        <source>convolution output</source>
        <translation>卷积输出</translation>
    </message>
    <message>
        <source>%1 has %2 channel(s): %3 input channel(s) from channel %4 do not fit; lower the input channels or pick a feature map with more</source>
        <translation>%1 有 %2 个通道：从通道 %4 开始的 %3 个输入通道放不下；请减少输入通道数，或选择通道更多的特征图</translation>
    </message>
    <message>
        <source>The canvas model has no convolution kernels</source>
        <translation>画布模型没有卷积核</translation>
    </message>
</context>
<context>
    <name>ConvPlayBar</name>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Space</translation>
    </message>
    <message>
        <source>◀ Back</source>
        <translation>◀ 后退</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>Step ▶</source>
        <translation>单步 ▶</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>Right</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>End</source>
        <translation>End</translation>
    </message>
    <message>
        <source>Steps per second while playing</source>
        <translation>播放时每秒的步数</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/秒</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
</context>
<context>
    <name>ConvReadOuts</name>
    <message>
        <source>Output size = ⌊(N + 2P − D×(F − 1) − 1) / S⌋ + 1; with dilation D = 1 it is the tutorials&apos; (N + 2P − F) / S + 1. N: input size, P: padding, F: kernel size, S: stride</source>
        <translation>输出尺寸 = ⌊(N + 2P − D×(F − 1) − 1) / S⌋ + 1；膨胀 D = 1 时即教程中的 (N + 2P − F) / S + 1。N：输入尺寸，P：填充，F：卷积核大小，S：步幅</translation>
    </message>
    <message>
        <source>The output channel&apos;s values so far (· not computed yet)</source>
        <translation>当前输出通道目前算出的值（· 表示尚未计算）</translation>
    </message>
    <message>
        <source>The current output channel&apos;s kernel: type a number in a cell to change it</source>
        <translation>当前输出通道的卷积核：在单元格中输入数字即可修改</translation>
    </message>
    <message>
        <source>Each input value under the window times its kernel value; hover a cell for the numbers</source>
        <translation>窗口下每个输入值乘以对应的卷积核值；鼠标悬停在单元格上可查看数值</translation>
    </message>
    <message>
        <source>This position</source>
        <translation>当前位置</translation>
    </message>
    <message>
        <source>Kernel</source>
        <translation>卷积核</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>乘积</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽</translation>
    </message>
    <message>
        <source>Output size = %1 →  </source>
        <translation>输出尺寸 = %1 →  </translation>
    </message>
    <message>
        <source>Output: %1 channel(s) × %2 × %3, %4 positions</source>
        <translation>输出：%1 个通道 × %2 × %3，共 %4 个位置</translation>
    </message>
    <message>
        <source>; pooled %1 × %2</source>
        <translation>；池化后 %1 × %2</translation>
    </message>
    <message>
        <source>Output: none</source>
        <translation>输出：无</translation>
    </message>
    <message>
        <source>Step 0 of %1: press Step (→) or Play (Space)</source>
        <translation>第 0 步，共 %1 步：按“单步”（→）或“播放”（空格）</translation>
    </message>
    <message>
        <source>Step %1 of %2: output channel %3, row %4, column %5</source>
        <translation>第 %1 步，共 %2 步：输出通道 %3，第 %4 行，第 %5 列</translation>
    </message>
    <message>
        <source> + bias %1</source>
        <translation> + 偏置 %1</translation>
    </message>
    <message>
        <source>Σ products = %1%2 = %3</source>
        <translation>Σ 乘积 = %1%2 = %3</translation>
    </message>
    <message>
        <source>Kernel, flipped</source>
        <translation>卷积核（已翻转）</translation>
    </message>
    <message>
        <source>Output ch %1</source>
        <translation>输出通道 %1</translation>
    </message>
</context>
<context>
    <name>ConvTypedBox</name>
    <message>
        <source>Your own numbers</source>
        <translation>你自己的数字</translation>
    </message>
    <message>
        <source>Fill both grids with an example of the tutorials</source>
        <translation>用教程中的例子填满两个网格</translation>
    </message>
    <message>
        <source>Examples…</source>
        <translation>例子…</translation>
    </message>
    <message>
        <source>corr2d: 0…8 with [[0, 1], [2, 3]]</source>
        <translation>corr2d：0…8 与 [[0, 1], [2, 3]]</translation>
    </message>
    <message>
        <source>6×8 edges with [1, −1]</source>
        <translation>6×8 的边缘与 [1, −1]</translation>
    </message>
    <message>
        <source>An input of up to %1×%1 numbers: rows separated by ; or new lines, values by spaces or commas. Enter uses it</source>
        <translation>最多 %1×%1 个数字的输入：各行用 ; 或换行分隔，各值用空格或逗号分隔。按 Enter 使用</translation>
    </message>
    <message>
        <source>A kernel of up to %1×%1 numbers, written like the input. Enter uses it</source>
        <translation>最多 %1×%1 个数字的卷积核，写法与输入相同。按 Enter 使用</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Kernel</source>
        <translation>卷积核</translation>
    </message>
    <message>
        <source>e.g. %1</source>
        <translation>例如 %1</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>kernel</source>
        <translation>卷积核</translation>
    </message>
</context>
<context>
    <name>Core</name>
    <message>
        <source>{dataset} test set</source>
        <translation>{dataset}测试集</translation>
    </message>
    <message>
        <source>{folder}: no labelled drawing found (put PNG files in subfolders 0 … 9, or name them like 7_mine.png)</source>
        <translation>{folder}：没有找到带标签的手写（把 PNG 文件放在 0 … 9 的子文件夹中，或命名为 7_mine.png 这样）</translation>
    </message>
    <message>
        <source>drawings in {folder}</source>
        <translation>{folder} 中的手写</translation>
    </message>
    <message>
        <source>stopped in epoch {epoch}</source>
        <translation>在第 {epoch} 轮停止</translation>
    </message>
    <message>
        <source>diverged in epoch {epoch}</source>
        <translation>在第 {epoch} 轮发散</translation>
    </message>
    <message>
        <source>training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <source>interrupted after epoch {epoch}</source>
        <translation>在第 {epoch} 轮后中断</translation>
    </message>
    <message>
        <source>1 epoch</source>
        <translation>1 轮</translation>
    </message>
    <message>
        <source>{epochs} epochs</source>
        <translation>{epochs} 轮</translation>
    </message>
    <message>
        <source>MNIST digits</source>
        <translation>MNIST 数字</translation>
    </message>
    <message>
        <source>EMNIST digits</source>
        <translation>EMNIST 数字</translation>
    </message>
    <message>
        <source>Your own digits</source>
        <translation>你自己的数字</translation>
    </message>
    <message>
        <source>{dataset} is not on this machine ({why}). Put {files} (or the uncompressed files) in {folder} or in {data_dir}, or download them there once with: {command}</source>
        <translation>本机没有 {dataset}（{why}）。请把 {files}（或解压后的文件）放到 {folder} 或 {data_dir}，或用以下命令下载一次：{command}</translation>
    </message>
    <message>
        <source>{dataset} is not on this computer: put {images} and {labels} in {folder}, or download it (the window&apos;s Datasets dialog, or the command line&apos;s --download)</source>
        <translation>本机没有 {dataset}：请把 {images} 和 {labels} 放到 {folder}，或下载它（窗口的“数据集”对话框，或命令行的 --download）</translation>
    </message>
    <message>
        <source>files not found</source>
        <translation>找不到文件</translation>
    </message>
    <message>
        <source>{dataset}: none held out for testing yet (every {every}th sample of a digit is); draw at least {every} of a digit in the Coach tab</source>
        <translation>{dataset}：还没有留作测试的样本（每个数字每第 {every} 个样本留作测试）；请在“书写教练”页为某个数字至少写 {every} 个</translation>
    </message>
    <message>
        <source>Input (gray)</source>
        <translation>输入（灰度）</translation>
    </message>
    <message>
        <source>Ink, white on black</source>
        <translation>墨迹，黑底白字</translation>
    </message>
    <message>
        <source>Cropped to the ink</source>
        <translation>裁剪到墨迹</translation>
    </message>
    <message>
        <source>Stroke width adjusted</source>
        <translation>调整笔画粗细</translation>
    </message>
    <message>
        <source>Scaled to fit 20×20</source>
        <translation>缩放到 20×20</translation>
    </message>
    <message>
        <source>Centred in 28×28</source>
        <translation>居中于 28×28</translation>
    </message>
    <message>
        <source>{where}: must be an integer from {lo:,} to {hi:,}, got {value}</source>
        <translation>{where}：必须是 {lo:,} 到 {hi:,} 之间的整数，实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: must be an integer or a pair of integers from {lo:,} to {hi:,}, got {value}</source>
        <translation>{where}：必须是 {lo:,} 到 {hi:,} 之间的一个整数或一对整数，实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: {what} must be in [{lo:g}, {hi:g}{bracket}, got {value}</source>
        <translation>{where}：{what} 必须在 [{lo:g}, {hi:g}{bracket} 之内，实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: must be true or false, got {value}</source>
        <translation>{where}：必须是 true 或 false，实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: must be one of {options}, got {value}</source>
        <translation>{where}：必须是 {options} 之一，实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: a {kernel} kernel (padding {padding}, dilation {dilation}) does not fit its input {shape}: the output would be {height}×{width}</source>
        <translation>{where}：{kernel} 的卷积核（填充 {padding}，膨胀 {dilation}）放不进输入 {shape}：输出将是 {height}×{width}</translation>
    </message>
    <message>
        <source>{label}: changes {shape} to {out} channels / stride {stride}, which needs &quot;use_1x1conv&quot;: true for the shortcut</source>
        <translation>{label}：把 {shape} 变为 {out} 个通道 / 步幅 {stride}，捷径需要 &quot;use_1x1conv&quot;: true</translation>
    </message>
    <message>
        <source>{where}: must be a pair [1×1 channels, output channels] of integers from 1 to {limit:,}, got {value}</source>
        <translation>{where}：必须是一对 1 到 {limit:,} 之间的整数 [1×1 通道数, 输出通道数]，实际为 {value}</translation>
    </message>
    <message>
        <source>{label}: expects {c} input channels but the previous layer gives {shape}</source>
        <translation>{label}：需要 {c} 个输入通道，但上一层给出 {shape}</translation>
    </message>
    <message>
        <source>{where}: groups={groups} must divide both in_channels={c} and out_channels={out}</source>
        <translation>{where}：groups={groups} 必须同时整除 in_channels={c} 和 out_channels={out}</translation>
    </message>
    <message>
        <source>{where}: reflect padding must be smaller than the input {shape}, got {padding}</source>
        <translation>{where}：reflect 填充必须小于输入 {shape}，实际为 {padding}</translation>
    </message>
    <message>
        <source>{where}: circular padding cannot exceed the input {shape}, got {padding}</source>
        <translation>{where}：circular 填充不能超过输入 {shape}，实际为 {padding}</translation>
    </message>
    <message>
        <source>{label} (linear) needs a flat input but gets {shape}; add a flatten layer before it</source>
        <translation>{label}（linear）需要展平的输入，但得到 {shape}；请在它前面添加展平层</translation>
    </message>
    <message>
        <source>{label}: expects in_features={n} but the previous layer gives {shape}</source>
        <translation>{label}：需要 in_features={n}，但上一层给出 {shape}</translation>
    </message>
    <message>
        <source>{where}: at most half the kernel size {kernel}, got {padding}</source>
        <translation>{where}：最多为卷积核大小 {kernel} 的一半，实际为 {padding}</translation>
    </message>
    <message>
        <source>{where}: a layer must be an object, got {value}</source>
        <translation>{where}：层必须是一个对象，实际为 {value}</translation>
    </message>
    <message>
        <source>{label} ({kind}) needs a C×H×W input but gets a flat vector of shape {shape}</source>
        <translation>{label}（{kind}）需要 C×H×W 的输入，但得到形状为 {shape} 的展平向量</translation>
    </message>
    <message>
        <source>{where}: a model spec must be a JSON object, got {value}</source>
        <translation>{where}：模型定义必须是一个 JSON 对象，实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: not a spec setting (known: {known})</source>
        <translation>{where}：不是模型定义的设置（已知的有：{known}）</translation>
    </message>
    <message>
        <source>{where}: DigitLab models take {shape} images ([1, 28, 28]), got {value}</source>
        <translation>{where}：DigitLab 模型接受 {shape} 的图像（[1, 28, 28]），实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: the spec needs a non-empty list of layers, got {value}</source>
        <translation>{where}：模型定义需要一个非空的层列表，实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: the spec needs a list of layers, got {value}</source>
        <translation>{where}：模型定义需要一个层列表，实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: at most {limit} layers, got {n}</source>
        <translation>{where}：最多 {limit} 层，实际为 {n} 层</translation>
    </message>
    <message>
        <source>{where}: a layer must be an object with a &quot;type&quot;, got {value}</source>
        <translation>{where}：层必须是带 &quot;type&quot; 的对象，实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: two layers of {part} are called {name!r}</source>
        <translation>{where}：{part} 中有两层都叫 {name!r}</translation>
    </message>
    <message>
        <source>{where}: must end in {classes} outputs (one per class, num_classes) but gives {shape}</source>
        <translation>{where}：最后必须输出 {classes} 个值（每个类别一个，num_classes），实际为 {shape}</translation>
    </message>
    <message>
        <source>{where}: the model would have {params:,} parameters by here; DigitLab models have at most {limit:,}</source>
        <translation>{where}：到这里模型将有 {params:,} 个参数；DigitLab 模型最多 {limit:,} 个</translation>
    </message>
    <message>
        <source>{where}: the layer outputs would hold {values:,} values per 28×28 image by here; at most {limit:,} are allowed</source>
        <translation>{where}：到这里每张 28×28 图片的各层输出将有 {values:,} 个值；最多允许 {limit:,} 个</translation>
    </message>
    <message>
        <source>{where}: the model would need {macs:,} multiply-adds per image by here; at most {limit:,} are allowed</source>
        <translation>{where}：到这里每张图片将需要 {macs:,} 次乘加；最多允许 {limit:,} 次</translation>
    </message>
    <message>
        <source>became {loss}</source>
        <translation>变成了 {loss}</translation>
    </message>
    <message>
        <source>grew to {loss:.3g}, over {factor:g}× a uniform guess&apos;s</source>
        <translation>增长到 {loss:.3g}，超过均匀猜测的 {factor:g} 倍</translation>
    </message>
    <message>
        <source>the loss {why} at epoch {epoch}, batch {batch}; the last good weights were restored; try a lower learning rate: {better:g}, a tenth of {lr:g}</source>
        <translation>损失在第 {epoch} 轮第 {batch} 批{why}；已恢复最后的正常权重；请尝试更低的学习率：{better:g}，即 {lr:g} 的十分之一</translation>
    </message>
    <message>
        <source>conv and linear layers only</source>
        <translation>只计卷积层和全连接层</translation>
    </message>
    <message>
        <source>LeNet-5 (1998 style): 5×5 convs, sigmoid, average pooling, 120-84-10</source>
        <translation>LeNet-5（1998 年风格）：5×5 卷积，sigmoid，平均池化，120-84-10</translation>
    </message>
    <message>
        <source>LeNet, modernised: ReLU, max pooling, BatchNorm</source>
        <translation>LeNet 现代版：ReLU，最大池化，BatchNorm</translation>
    </message>
    <message>
        <source>LeNet, modernised: ReLU, max pooling</source>
        <translation>LeNet 现代版：ReLU，最大池化</translation>
    </message>
    <message>
        <source>TinyVGG: two (conv-ReLU)×2 + max-pool blocks of {width} channels</source>
        <translation>TinyVGG：两个（卷积-ReLU）×2 + 最大池化块，各 {width} 个通道</translation>
    </message>
    <message>
        <source>CIFAR-10 tutorial CNN: three 5×5 conv + max-pool (32-32-64), 64-unit head</source>
        <translation>CIFAR-10 教程中的卷积网络：三个 5×5 卷积 + 最大池化（32-32-64），64 单元的输出头</translation>
    </message>
    <message>
        <source>Small ResNet: conv-BN stem, residual blocks 32→64 (stride 2) and 64→64, global pool</source>
        <translation>小型 ResNet：卷积-BatchNorm 主干，残差块 32→64（步幅 2）和 64→64，全局池化</translation>
    </message>
    <message>
        <source>DigitLab default: 3×3 conv + BatchNorm blocks 16 | 32-32 | 64, dropout head</source>
        <translation>DigitLab 默认：3×3 卷积 + BatchNorm 块 16 | 32-32 | 64，带 Dropout 的输出头</translation>
    </message>
    <message>
        <source>LeNet-5 with ReLU and max pooling (pair of lenet5), Xavier init</source>
        <translation>使用 ReLU 和最大池化的 LeNet-5（与 lenet5 成对），Xavier 初始化</translation>
    </message>
    <message>
        <source>MLP 784-{hidden}-10 with ReLU: LeNet-5&apos;s parameter count, no convolution</source>
        <translation>多层感知机 784-{hidden}-10，使用 ReLU：参数量与 LeNet-5 相当，没有卷积</translation>
    </message>
    <message>
        <source>AlexNet idea: 7×7/2 conv, 5×5, three 3×3, overlapping max-pool, 512-512 dropout head</source>
        <translation>AlexNet 思路：7×7/2 卷积，5×5，三个 3×3，重叠最大池化，512-512 带 Dropout 的输出头</translation>
    </message>
    <message>
        <source>VGG idea: blocks of 3×3 conv ({arch}) + 2×2 max-pool, 256-256 dropout head</source>
        <translation>VGG 思路：3×3 卷积块（{arch}）+ 2×2 最大池化，256-256 带 Dropout 的输出头</translation>
    </message>
    <message>
        <source>NiN idea: conv + two 1×1 conv blocks (16, 32, 64, 10 channels), global average pool</source>
        <translation>NiN 思路：卷积 + 两个 1×1 卷积的块（16、32、64、10 个通道），全局平均池化</translation>
    </message>
    <message>
        <source>GoogLeNet idea: conv stem, three Inception blocks (64, 112, 144 ch), global pool</source>
        <translation>GoogLeNet 思路：卷积主干，三个 Inception 块（64、112、144 通道），全局池化</translation>
    </message>
    <message>
        <source>Speedrun CNN: 5×5 conv 16 and 3×3 conv 32, each max-pool + BatchNorm + ReLU, 256 head</source>
        <translation>速通卷积网络：5×5 卷积 16 和 3×3 卷积 32，各接最大池化 + BatchNorm + ReLU，256 的输出头</translation>
    </message>
    <message>
        <source>{path}: truncated file ({size} bytes)</source>
        <translation>{path}：文件不完整（{size} 字节）</translation>
    </message>
    <message>
        <source>{path}: not a safetensors file, or truncated</source>
        <translation>{path}：不是 safetensors 文件，或文件不完整</translation>
    </message>
    <message>
        <source>{path}: corrupt safetensors header</source>
        <translation>{path}：safetensors 文件头已损坏</translation>
    </message>
    <message>
        <source>{path}: its DigitLab metadata is not valid JSON</source>
        <translation>{path}：其中的 DigitLab 元数据不是有效的 JSON</translation>
    </message>
    <message>
        <source>{path}: a safetensors file, but not a DigitLab checkpoint</source>
        <translation>{path}：是 safetensors 文件，但不是 DigitLab 模型文件</translation>
    </message>
    <message>
        <source>{path}: truncated or corrupt weights ({why})</source>
        <translation>{path}：权重不完整或已损坏（{why}）</translation>
    </message>
    <message>
        <source>{path}: refused: not a plain-weights PyTorch file, it would run code to load ({why})</source>
        <translation>{path}：已拒绝：不是只含权重的 PyTorch 文件，加载它会运行代码（{why}）</translation>
    </message>
    <message>
        <source>{path}: refused: not a plain-weights PyTorch file ({why})</source>
        <translation>{path}：已拒绝：不是只含权重的 PyTorch 文件（{why}）</translation>
    </message>
    <message>
        <source>{path}: holds no DigitLab model spec; expected {{&apos;meta&apos;: ..., &apos;state_dict&apos;: ...}}</source>
        <translation>{path}：没有 DigitLab 模型定义；应为 {{&apos;meta&apos;: ..., &apos;state_dict&apos;: ...}}</translation>
    </message>
    <message>
        <source>its weights give NaN or infinite outputs on a test image</source>
        <translation>它的权重在测试图片上给出 NaN 或无穷大的输出</translation>
    </message>
    <message>
        <source>{path}: {size:,.0f} MB is larger than any DigitLab model can be ({limit:,.0f} MB)</source>
        <translation>{path}：{size:,.0f} MB，超过任何 DigitLab 模型可能的大小（{limit:,.0f} MB）</translation>
    </message>
    <message>
        <source>{path}: file not found</source>
        <translation>{path}：找不到文件</translation>
    </message>
    <message>
        <source>{path}: is a folder, not a checkpoint file</source>
        <translation>{path}：是文件夹，不是模型文件</translation>
    </message>
    <message>
        <source>{path}: cannot read ({why})</source>
        <translation>{path}：无法读取（{why}）</translation>
    </message>
    <message>
        <source>{path}: {error}</source>
        <translation>{path}：{error}</translation>
    </message>
    <message>
        <source>the image has no pixels ({width}×{height})</source>
        <translation>图片没有像素（{width}×{height}）</translation>
    </message>
    <message>
        <source>image too large ({width}×{height} pixels; the limit is {limit} megapixels)</source>
        <translation>图片太大（{width}×{height} 像素；上限为 {limit} 百万像素）</translation>
    </message>
    <message>
        <source>is a folder</source>
        <translation>是文件夹</translation>
    </message>
    <message>
        <source>not a regular file</source>
        <translation>不是普通文件</translation>
    </message>
    <message>
        <source>file not found</source>
        <translation>找不到文件</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>文件是空的</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>没有权限</translation>
    </message>
    <message>
        <source>no image data (0 bytes)</source>
        <translation>没有图片数据（0 字节）</translation>
    </message>
    <message>
        <source>image too large ({pixels:,} pixels; the limit is {limit} megapixels)</source>
        <translation>图片太大（{pixels:,} 像素；上限为 {limit} 百万像素）</translation>
    </message>
    <message>
        <source>image too large (the limit is {limit} megapixels)</source>
        <translation>图片太大（上限为 {limit} 百万像素）</translation>
    </message>
    <message>
        <source>not an image file that can be read</source>
        <translation>不是可读取的图片文件</translation>
    </message>
    <message>
        <source>corrupt or truncated image ({why})</source>
        <translation>图片已损坏或不完整（{why}）</translation>
    </message>
    <message>
        <source>a {kh}×{kw} kernel does not fit in a {h}×{w} image</source>
        <translation>{kh}×{kw} 的卷积核放不进 {h}×{w} 的图片</translation>
    </message>
    <message>
        <source>draw a digit on the canvas first</source>
        <translation>请先在画布上写一个数字</translation>
    </message>
    <message>
        <source>the canvas is empty: draw a digit first</source>
        <translation>画布是空的：请先写一个数字</translation>
    </message>
    <message>
        <source>tracing and writing the {fmt} file…</source>
        <translation>正在跟踪模型并写出 {fmt} 文件…</translation>
    </message>
    <message>
        <source>checking it against DigitLab on {n} MNIST test pictures…</source>
        <translation>正在用 {n} 张 MNIST 测试图片与 DigitLab 核对…</translation>
    </message>
    <message>
        <source>unknown padding mode {mode!r}</source>
        <translation>未知的填充方式 {mode!r}</translation>
    </message>
    <message>
        <source>the kernel does not fit in the padded input</source>
        <translation>卷积核放不进填充后的输入</translation>
    </message>
    <message>
        <source>a {ph}×{pw} pooling window does not fit in a {h}×{w} map</source>
        <translation>{ph}×{pw} 的池化窗口放不进 {h}×{w} 的特征图</translation>
    </message>
    <message>
        <source>unknown padding mode {mode!r}; use one of {modes}</source>
        <translation>未知的填充方式 {mode!r}；请使用 {modes} 之一</translation>
    </message>
    <message>
        <source>channels, groups, kernel size, stride and dilation must be at least 1, and padding at least 0</source>
        <translation>通道数、分组数、卷积核大小、步幅和膨胀至少为 1，填充至少为 0</translation>
    </message>
    <message>
        <source>groups = {groups} does not divide the {n} input channels</source>
        <translation>分组数 groups = {groups} 不能整除 {n} 个输入通道</translation>
    </message>
    <message>
        <source>groups = {groups} does not divide the {n} output channels</source>
        <translation>分组数 groups = {groups} 不能整除 {n} 个输出通道</translation>
    </message>
    <message>
        <source>height</source>
        <translation>高度</translation>
    </message>
    <message>
        <source>width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>reflect padding of {p} needs an input {axis} above {p} (it is {n})</source>
        <translation>{p} 的 reflect 填充需要输入{axis}大于 {p}（现在是 {n}）</translation>
    </message>
    <message>
        <source>circular padding of {p} needs an input {axis} of at least {p} (it is {n})</source>
        <translation>{p} 的 circular 填充需要输入{axis}至少为 {p}（现在是 {n}）</translation>
    </message>
    <message>
        <source>the kernel reaches {reach} pixels but the padded input {axis} is only {size}: the output {axis} would be {out}</source>
        <translation>卷积核覆盖 {reach} 个像素，但填充后的输入{axis}只有 {size}：输出{axis}将是 {out}</translation>
    </message>
    <message>
        <source>type the {what}&apos;s numbers, e.g. 0 1 2; 3 4 5; 6 7 8</source>
        <translation>请输入{what}的数值，例如 0 1 2; 3 4 5; 6 7 8</translation>
    </message>
    <message>
        <source>row {r}, value {c} of the {what}: {cell!r} is not a number</source>
        <translation>{what}第 {r} 行第 {c} 个值：{cell!r} 不是数字</translation>
    </message>
    <message>
        <source>every row of the {what} needs as many values; these rows have {counts}</source>
        <translation>{what}的每一行需要同样多的值；这些行分别有 {counts} 个</translation>
    </message>
    <message>
        <source>the {what} is {rows}×{cols}; at most {most}×{most} can be typed</source>
        <translation>{what}是 {rows}×{cols}；最多只能输入 {most}×{most}</translation>
    </message>
    <message>
        <source>the {what}&apos;s values must be finite numbers</source>
        <translation>{what}的值必须是有限的数</translation>
    </message>
    <message>
        <source>not a DigitLab checkpoint (its metadata lacks &quot;format&quot;: &quot;{format}&quot;)</source>
        <translation>不是 DigitLab 检查点（它的元数据缺少 &quot;format&quot;: &quot;{format}&quot;）</translation>
    </message>
    <message>
        <source>made by a newer DigitLab (format version {version}); this one reads version {reads}</source>
        <translation>由更新版本的 DigitLab 生成（格式版本 {version}）；此版本只能读取版本 {reads}</translation>
    </message>
    <message>
        <source>spec: missing; a checkpoint carries the spec of its model</source>
        <translation>spec：缺失；检查点应当带有其模型的定义</translation>
    </message>
    <message>
        <source>missing {names}</source>
        <translation>缺少 {names}</translation>
    </message>
    <message>
        <source>unexpected {names}</source>
        <translation>多出 {names}</translation>
    </message>
    <message>
        <source>weights do not match the model spec ({parts})</source>
        <translation>权重与模型定义不符（{parts}）</translation>
    </message>
    <message>
        <source>weights do not match the model spec: {key} has shape {shape}, the spec needs {needs}</source>
        <translation>权重与模型定义不符：{key} 的形状是 {shape}，模型定义需要 {needs}</translation>
    </message>
    <message>
        <source>{url}: the connection ended after {done:,} of {total:,} bytes</source>
        <translation>{url}：连接在 {total:,} 字节中的 {done:,} 字节后中断</translation>
    </message>
    <message>
        <source>{url}: the file&apos;s checksum is wrong (damaged on the way, or not the expected file)</source>
        <translation>{url}：文件的校验和不对（传输中损坏，或不是预期的文件）</translation>
    </message>
    <message>
        <source>{files} not found after the download</source>
        <translation>下载后仍找不到 {files}</translation>
    </message>
    <message>
        <source>{name}: too large for a zip of digits ({size:.0f} MB; the limit is {limit} MB)</source>
        <translation>{name}：作为数字的 zip 文件太大（{size:.0f} MB；上限为 {limit} MB）</translation>
    </message>
    <message>
        <source>{name}: not a zip file ({why})</source>
        <translation>{name}：不是 zip 文件（{why}）</translation>
    </message>
    <message>
        <source>{n} entries past the first {limit:,}: too many entries</source>
        <translation>前 {limit:,} 个之后的 {n} 个条目：条目太多</translation>
    </message>
    <message>
        <source>no digit in its name (name files like 7_mine.png or put them in 7/)</source>
        <translation>文件名中没有数字（请命名为 7_mine.png 这样，或放进 7/ 文件夹）</translation>
    </message>
    <message>
        <source>the store is full ({n:,} samples)</source>
        <translation>样本已满（{n:,} 个样本）</translation>
    </message>
    <message>
        <source>already in your samples</source>
        <translation>已在你的样本中</translation>
    </message>
    <message>
        <source>{name}: {reason}</source>
        <translation>{name}：{reason}</translation>
    </message>
    <message>
        <source>unsafe path in the zip</source>
        <translation>zip 中的路径不安全</translation>
    </message>
    <message>
        <source>encrypted</source>
        <translation>已加密</translation>
    </message>
    <message>
        <source>too large ({size:,} bytes uncompressed; the limit is {limit:,})</source>
        <translation>太大（解压后 {size:,} 字节；上限为 {limit:,}）</translation>
    </message>
    <message>
        <source>suspicious compression ratio (a zip bomb?)</source>
        <translation>压缩比可疑（zip 炸弹？）</translation>
    </message>
    <message>
        <source>the zip holds more data than a set of digits can</source>
        <translation>zip 中的数据超出了一组数字所能有的量</translation>
    </message>
    <message>
        <source>cannot be read from the zip ({why})</source>
        <translation>无法从 zip 中读取（{why}）</translation>
    </message>
    <message>
        <source>larger than its declared size</source>
        <translation>比它声明的大小更大</translation>
    </message>
    <message>
        <source>{where}: {why} (got {value})</source>
        <translation>{where}：{why}（实际为 {value}）</translation>
    </message>
    <message>
        <source>{label}: {expr!r} cannot take a {shape} input: {why}</source>
        <translation>{label}：{expr!r} 不能接受 {shape} 的输入：{why}</translation>
    </message>
    <message>
        <source>{label}: {expr!r} must keep one result per picture of the batch, of the same rank as its {shape} input (reduce with dim=…, keepdim=True, or subtract: x - x.mean())</source>
        <translation>{label}：{expr!r} 必须为批中的每张图片保留一个结果，且与其 {shape} 输入的维数相同（用 dim=…, keepdim=True 归约，或相减：x - x.mean()）</translation>
    </message>
    <message>
        <source>{where}: the name of an earlier layer with weights (e.g. &quot;fc2&quot;), got {value}</source>
        <translation>{where}：应为前面某个带权重的层的名字（例如 &quot;fc2&quot;），实际为 {value}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{where}: no earlier layer with weights is called {wanted!r} (layers with weights before it: {known})</source>
        <translation>{where}：前面没有叫 {wanted!r} 的带权重的层（它之前带权重的层：{known}）</translation>
    </message>
    <message>
        <source>{label}: shares {of}, which takes {target} inputs, but gets {shape}: the channels (or features) must match</source>
        <translation>{label}：共享 {of} 的权重，它接受 {target} 的输入，但这里得到 {shape}：通道数（或特征数）必须一致</translation>
    </message>
    <message>
        <source>{where}: must be a string of at most {limit} characters, got {value}</source>
        <translation>{where}：必须是最多 {limit} 个字符的字符串，实际为 {value}</translation>
    </message>
    <message>
        <source>{where}: a layer name is a letter or _ then up to 63 letters, digits or _ (and not {reserved}), got {value}</source>
        <translation>{where}：层名以字母或 _ 开头，后面最多 63 个字母、数字或 _（且不能是 {reserved}），实际为 {value}</translation>
    </message>
    <message>
        <source>{where}.type: unknown layer type {kind}; known: {known}</source>
        <translation>{where}.type：未知的层类型 {kind}；已知的有：{known}</translation>
    </message>
    <message>
        <source>{where}: not a setting of an {kind} layer (it takes {known})</source>
        <translation>{where}：不是 {kind} 层的设置（它接受 {known}）</translation>
    </message>
    <message>
        <source>{where}: not a setting of a {kind} layer (it takes {known})</source>
        <translation>{where}：不是 {kind} 层的设置（它接受 {known}）</translation>
    </message>
    <message>
        <source>{where}: an {kind} layer needs it</source>
        <translation>{where}：{kind} 层需要这个设置</translation>
    </message>
    <message>
        <source>{where}: a {kind} layer needs it</source>
        <translation>{where}：{kind} 层需要这个设置</translation>
    </message>
</context>
<context>
    <name>DatasetBrowser</name>
    <message>
        <source>Which images to browse</source>
        <translation>要浏览的图片</translation>
    </message>
    <message>
        <source>The images a model trains on, or those it is tested on</source>
        <translation>模型训练用的图片，或测试用的图片</translation>
    </message>
    <message>
        <source>Training images</source>
        <translation>训练集图片</translation>
    </message>
    <message>
        <source>Test images</source>
        <translation>测试集图片</translation>
    </message>
    <message>
        <source>Show one class only</source>
        <translation>只显示一个类别</translation>
    </message>
    <message>
        <source>The images as stored, or as a training batch reaches the model</source>
        <translation>按存储的原样显示，或按训练批次送入模型时的样子显示</translation>
    </message>
    <message>
        <source>As stored</source>
        <translation>原样</translation>
    </message>
    <message>
        <source>As the model sees a training batch</source>
        <translation>模型看到的训练批次</translation>
    </message>
    <message>
        <source>Canvas model&apos;s answers</source>
        <translation>画布模型的答案</translation>
    </message>
    <message>
        <source>Show what the canvas model says under each image; wrong answers are red</source>
        <translation>在每张图下显示画布模型的答案；答错的显示为红色</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一页</translation>
    </message>
    <message>
        <source>Previous page (Page Up)</source>
        <translation>上一页（Page Up）</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一页 ▶</translation>
    </message>
    <message>
        <source>Next page (Page Down)</source>
        <translation>下一页（Page Down）</translation>
    </message>
    <message>
        <source>New draw</source>
        <translation>重新抽取</translation>
    </message>
    <message>
        <source>Draw new random distortions for this batch</source>
        <translation>为这一批重新抽取随机变形</translation>
    </message>
    <message>
        <source>All classes</source>
        <translation>所有类别</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <source>Cannot show these images: {0}</source>
        <translation>无法显示这些图片：{0}</translation>
    </message>
    <message>
        <source>Page {0:,} of {1:,} · {2:,} images</source>
        <translation>第 {0:,} 页，共 {1:,} 页 · {2:,} 张图片</translation>
    </message>
    <message>
        <source>#{0} · {1}</source>
        <translation>#{0} · {1}</translation>
    </message>
    <message>
        <source>→ {0} ({1:.0%})</source>
        <translation>→ {0}（{1:.0%}）</translation>
    </message>
    <message>
        <source> · model: {0}</source>
        <translation> · 模型：{0}</translation>
    </message>
    <message>
        <source>the selected model</source>
        <translation>所选模型</translation>
    </message>
    <message>
        <source>randomly distorted as its recipe augments (New draw: again)</source>
        <translation>按其训练方案随机变形（“重新抽取”：再来一次）</translation>
    </message>
    <message>
        <source>not augmented (its recipe trains without)</source>
        <translation>未做数据增强（其训练方案不使用）</translation>
    </message>
    <message>
        <source>As {0} sees a training batch: pixels / 255, {1}, normalised with mean {2:.4f} and std {3:.4f}. Colour scale: black = {4:.2f} (no ink), white = {5:.2f} (full ink).</source>
        <translation>{0} 看到的训练批次：像素 / 255，{1}，按均值 {2:.4f}、标准差 {3:.4f} 归一化。色标：黑 = {4:.2f}（无墨迹），白 = {5:.2f}（满墨迹）。</translation>
    </message>
    <message>
        <source>No canvas model yet.</source>
        <translation>还没有画布模型。</translation>
    </message>
    <message>
        <source>Double-click an image to put it on the canvas.</source>
        <translation>双击图片即可放到画布上。</translation>
    </message>
    <message>
        <source>Canvas model: {0} of {1} right on this page ({2:.0f} ms); wrong answers are red. Double-click an image to put it on the canvas.</source>
        <translation>画布模型：本页 {1} 张中答对 {0} 张（{2:.0f} ms）；答错的显示为红色。双击图片即可放到画布上。</translation>
    </message>
    <message>
        <source>{0} #{1}</source>
        <translation>{0} #{1}</translation>
    </message>
</context>
<context>
    <name>DatasetsDialog</name>
    <message>
        <source>Datasets</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>MNIST comes with DigitLab. The other datasets are read from the data folder (and from /usr/share/datasets, where Debian&apos;s packages put them), and can be downloaded into it.</source>
        <translation>MNIST 随 DigitLab 一起提供。其他数据集从数据文件夹（以及 Debian 软件包存放数据集的 /usr/share/datasets）读取，也可以下载到数据文件夹中。</translation>
    </message>
    <message>
        <source>Where datasets are read from and downloaded to</source>
        <translation>数据集从哪里读取、下载到哪里</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>更改…</translation>
    </message>
    <message>
        <source>Use default</source>
        <translation>使用默认位置</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Show the folder in the file manager</source>
        <translation>在文件管理器中显示该文件夹</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>comes with DigitLab</source>
        <translation>随 DigitLab 提供</translation>
    </message>
    <message>
        <source>downloading into {0}…</source>
        <translation>正在下载到 {0}…</translation>
    </message>
    <message>
        <source>not on this computer</source>
        <translation>本机没有</translation>
    </message>
    <message>
        <source>not on this computer (a download of over {0} MB)</source>
        <translation>本机没有（下载量超过 {0} MB）</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Choose the data folder</source>
        <translation>选择数据文件夹</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Downloading {0} into {1}…</source>
        <translation>正在把 {0} 下载到 {1}…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>file {0} of {1}: {2}</source>
        <translation>第 {0} 个文件，共 {1} 个：{2}</translation>
    </message>
    <message>
        <source>{0}: {1} MB</source>
        <translation>{0}：{1} MB</translation>
    </message>
    <message>
        <source>{0}: {1} of {2} MB</source>
        <translation>{0}：{1} / {2} MB</translation>
    </message>
    <message>
        <source> · about {0} s left</source>
        <translation> · 约剩 {0} 秒</translation>
    </message>
    <message>
        <source>The download failed, and nothing of it was kept: {0}</source>
        <translation>下载失败，未保留任何下载内容：{0}</translation>
    </message>
    <message>
        <source>Download of {0} cancelled; nothing of it was kept.</source>
        <translation>已取消 {0} 的下载；未保留任何下载内容。</translation>
    </message>
    <message>
        <source>{0} is ready: choose it in the Train, Evaluate or Browse data tab.</source>
        <translation>{0} 已就绪：可在“训练”“评估”或“浏览数据”页中选择它。</translation>
    </message>
</context>
<context>
    <name>DeadUnitsPlot</name>
    <message>
        <source>ReLU units (channels of a convolution, neurons of a linear layer) that output 0 for every training image of the last epoch: they pass no gradient back. Red: above %1 %.</source>
        <translation>对最后一轮的每张训练图片都输出 0 的 ReLU 单元（卷积层的通道、全连接层的神经元）：它们不向回传递梯度。红色：超过 %1 %。</translation>
    </message>
    <message>
        <source>Dead ReLUs</source>
        <translation>死亡的 ReLU</translation>
    </message>
    <message>
        <source>never fired (%)</source>
        <translation>从未激活（%）</translation>
    </message>
    <message>
        <source>Dead ReLUs, epoch %1</source>
        <translation>死亡的 ReLU，第 %1 轮</translation>
    </message>
    <message>
        <source>after the first epoch</source>
        <translation>第一轮之后</translation>
    </message>
    <message>
        <source>no ReLU layers in this model</source>
        <translation>此模型没有 ReLU 层</translation>
    </message>
</context>
<context>
    <name>DrawingCanvas</name>
    <message>
        <source>Drawing canvas</source>
        <translation>手写画布</translation>
    </message>
    <message>
        <source>Draw a digit with the left mouse button; the right button erases.</source>
        <translation>按住鼠标左键写数字；右键擦除。</translation>
    </message>
    <message>
        <source>the image</source>
        <translation>该图片</translation>
    </message>
    <message>
        <source>The clipboard holds no image.</source>
        <translation>剪贴板中没有图片。</translation>
    </message>
    <message>
        <source>the pasted image</source>
        <translation>粘贴的图片</translation>
    </message>
    <message>
        <source>Cannot open {0}: {1}</source>
        <translation>无法打开{0}：{1}</translation>
    </message>
    <message>
        <source>Draw a digit here

Left button draws, right button erases.
You can also drop or paste an image.</source>
        <translation>在这里写一个数字

左键书写，右键擦除。
也可以拖入或粘贴图片。</translation>
    </message>
    <message>
        <source>the dropped image</source>
        <translation>拖入的图片</translation>
    </message>
</context>
<context>
    <name>EvaluateView</name>
    <message>
        <source>Which labelled images to evaluate the model on</source>
        <translation>用哪些带标签的图片评估模型</translation>
    </message>
    <message>
        <source>Choose folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <source>A folder of your drawings: image files in subfolders named by class (7/a.png) or named like 7_mine.png</source>
        <translation>你的手写文件夹：图片放在以类别命名的子文件夹中（7/a.png），或命名为 7_mine.png 这样</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Evaluate the canvas model (F5)</source>
        <translation>评估画布模型（F5）</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Back to the charts</source>
        <translation>返回图表</translation>
    </message>
    <message>
        <source>Close the gallery (Esc)</source>
        <translation>关闭图库（Esc）</translation>
    </message>
    <message>
        <source>{0} test set</source>
        <translation>{0} 测试集</translation>
    </message>
    <message>
        <source>My drawings (a folder)…</source>
        <translation>我的手写（文件夹）…</translation>
    </message>
    <message>
        <source>Test on:</source>
        <translation>测试数据：</translation>
    </message>
    <message>
        <source>Folder of your drawings</source>
        <translation>你的手写文件夹</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>Evaluating {0}…</source>
        <translation>正在评估 {0}…</translation>
    </message>
    <message>
        <source>  The canvas model is now {0}: press Evaluate to test it.</source>
        <translation>  画布模型已换为 {0}：按“评估”测试它。</translation>
    </message>
    <message>
        <source>{0} read correctly: {1} images. The {2} least sure answers, least sure first.</source>
        <translation>{0} 识别正确：{1} 张图片。以下是最没把握的 {2} 个答案，最没把握的在前。</translation>
    </message>
    <message>
        <source>{0} read as {1}: {2}.</source>
        <translation>{0} 被识别为 {1}：{2}。</translation>
    </message>
    <message>
        <source> Click one to put it on the canvas.</source>
        <translation> 点击其中一张即可放到画布上。</translation>
    </message>
    <message>
        <source>No {0} was read as {1}.</source>
        <translation>没有 {0} 被识别为 {1}。</translation>
    </message>
    <message>
        <source>1 image</source>
        <translation>1 张图片</translation>
    </message>
    <message>
        <source>{0} images</source>
        <translation>{0} 张图片</translation>
    </message>
    <message>
        <source>%v / %m images · ETA {0}</source>
        <translation>%v / %m 张图片 · 剩余 {0}</translation>
    </message>
    <message>
        <source>%v / %m images in {0:.1f} s</source>
        <translation>%v / %m 张图片，用时 {0:.1f} 秒</translation>
    </message>
    <message>
        <source>{0} on {1}: &lt;b&gt;{2:.2%}&lt;/b&gt; of {3:,} correct · {4:,} misclassified · {5:.1f} s. Click a cell of the matrix to see its images.</source>
        <translation>{0} 在{1}上：{3:,} 张中 &lt;b&gt;{2:.2%}&lt;/b&gt; 正确 · {4:,} 张错误 · {5:.1f} 秒。点击矩阵中的单元格可查看对应图片。</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Could not evaluate: {0}</source>
        <translation>无法评估：{0}</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Evaluation cancelled.</source>
        <translation>评估已取消。</translation>
    </message>
    <message>
        <source>{0} #{1}</source>
        <translation>{0} #{1}</translation>
    </message>
    <message>
        <source>Press Evaluate (F5) to test the canvas model on the chosen test set: accuracy per class, the confusion matrix and how far its confidence can be trusted.</source>
        <translation>按“评估”（F5）在所选测试集上测试画布模型：每个类别的准确率、混淆矩阵，以及它的置信度有多可信。</translation>
    </message>
</context>
<context>
    <name>FeatureMapDialog</name>
    <message>
        <source>Hover over the map to read its values.</source>
        <translation>鼠标悬停在特征图上可读取数值。</translation>
    </message>
    <message>
        <source>column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>通道：</translation>
    </message>
    <message>
        <source>{0}, channel {1} of {2}: {3}×{4}, min {5:.3f}, max {6:.3f}</source>
        <translation>{0}，通道 {1}/{2}：{3}×{4}，最小 {5:.3f}，最大 {6:.3f}</translation>
    </message>
    <message>
        <source>Feature map {0} #{1}</source>
        <translation>特征图 {0} #{1}</translation>
    </message>
    <message>
        <source>row {0}, column {1}: {2:.4f}</source>
        <translation>第 {0} 行，第 {1} 列：{2:.4f}</translation>
    </message>
</context>
<context>
    <name>FeatureMapView</name>
    <message>
        <source>One scale per layer</source>
        <translation>每层一个色标</translation>
    </message>
    <message>
        <source>One scale per map</source>
        <translation>每张图一个色标</translation>
    </message>
    <message>
        <source>Colour scale: shared by the whole layer, so that channels compare, or stretched for every map</source>
        <translation>色标：整层共用，便于比较各通道；或每张特征图各自拉伸</translation>
    </message>
    <message>
        <source>Size of the maps</source>
        <translation>特征图的大小</translation>
    </message>
    <message>
        <source>Draw a digit to see what every layer makes of it.</source>
        <translation>写一个数字，看看每一层把它变成了什么。</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>大小：</translation>
    </message>
</context>
<context>
    <name>FineTunePanel</name>
    <message>
        <source>Fine-&amp;tune</source>
        <translation>微调(&amp;T)</translation>
    </message>
    <message>
        <source>Teach the canvas model your handwriting: a few seconds of training on your samples mixed with MNIST</source>
        <translation>让画布模型学习你的笔迹：用你的样本混合 MNIST 训练几秒钟</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>Fine-tune is off: {0}</source>
        <translation>无法微调：{0}</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Measuring the model before fine-tuning… (logged to TensorBoard in {0})</source>
        <translation>微调前先测量模型…（记录到 TensorBoard：{0}）</translation>
    </message>
    <message>
        <source>Measuring the model before fine-tuning…</source>
        <translation>微调前先测量模型…</translation>
    </message>
    <message>
        <source>Fine-tuning on {0} of your samples ({1} held out) mixed with {2:,} MNIST images…</source>
        <translation>正在用你的 {0} 个样本（另留出 {1} 个）混合 {2:,} 张 MNIST 图片微调…</translation>
    </message>
    <message>
        <source>ETA {0}</source>
        <translation>剩余 {0}</translation>
    </message>
    <message>
        <source>Fine-tuning cancelled; the canvas model is unchanged.</source>
        <translation>微调已取消；画布模型未改变。</translation>
    </message>
    <message>
        <source>Fine-tuned in {0:.1f} s. The canvas now uses “{1}”; the shelf keeps the model it started from (Ctrl+B: the bundled model).</source>
        <translation>微调完成，用时 {0:.1f} 秒。画布现在使用“{1}”；模型架保留了微调前的模型（Ctrl+B：内置模型）。</translation>
    </message>
    <message>
        <source>Fine-tuning failed: {0}</source>
        <translation>微调失败：{0}</translation>
    </message>
</context>
<context>
    <name>GradientNormPlot</name>
    <message>
        <source>Gradient norm per layer</source>
        <translation>每层梯度范数</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>训练轮</translation>
    </message>
    <message>
        <source>L2 norm (log)</source>
        <translation>L2 范数（对数）</translation>
    </message>
</context>
<context>
    <name>HandwritingCoach</name>
    <message>
        <source>Coach drawing canvas</source>
        <translation>教练手写画布</translation>
    </message>
    <message>
        <source>&amp;Accept</source>
        <translation>接受(&amp;A)</translation>
    </message>
    <message>
        <source>Keep this drawing as a sample of the digit asked for (Enter)</source>
        <translation>把这幅手写作为所要求数字的样本保存（Enter）</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>清除(&amp;L)</translation>
    </message>
    <message>
        <source>Wipe the drawing (Delete)</source>
        <translation>擦掉手写（Delete）</translation>
    </message>
    <message>
        <source>S&amp;kip</source>
        <translation>跳过(&amp;K)</translation>
    </message>
    <message>
        <source>Ask for another digit</source>
        <translation>换一个数字</translation>
    </message>
    <message>
        <source>Draw a {0}</source>
        <translation>写一个 {0}</translation>
    </message>
    <message>
        <source>Every digit has {0} samples: fine-tune now, or keep drawing (more samples teach more).</source>
        <translation>每个数字都有 {0} 个样本了：现在就微调，或继续书写（样本越多学得越多）。</translation>
    </message>
    <message>
        <source>Sample {0} of {1} for this digit · {2} in all</source>
        <translation>此数字的第 {0} 个样本，共 {1} 个 · 总计 {2} 个</translation>
    </message>
    <message>
        <source>Draw a {0} on the canvas first.</source>
        <translation>请先在画布上写一个 {0}。</translation>
    </message>
    <message>
        <source>Could not keep the sample: {0}</source>
        <translation>无法保存样本：{0}</translation>
    </message>
    <message>
        <source>Kept a {0}.</source>
        <translation>已保存一个 {0}。</translation>
    </message>
    <message>
        <source>Collect more samples first: {0} to learn from, of {1} or more digits (every {2}th sample of a digit is held out to test; {3} to learn from so far).</source>
        <translation>请先收集更多样本：至少 {1} 个数字、共 {0} 个用于学习（每个数字每第 {2} 个样本留作测试；目前有 {3} 个可用于学习）。</translation>
    </message>
    <message>
        <source>The canvas model is still loading.</source>
        <translation>画布模型仍在加载。</translation>
    </message>
    <message>
        <source>The canvas model does not answer with digits; pick a digit model on the shelf (Ctrl+B: the bundled one).</source>
        <translation>画布模型的答案不是数字；请在模型架上选择一个数字模型（Ctrl+B：内置模型）。</translation>
    </message>
    <message>
        <source>The model&apos;s guess appears as you draw.</source>
        <translation>书写时这里会显示模型的猜测。</translation>
    </message>
    <message>
        <source>The model does not see a digit yet.</source>
        <translation>模型还没看出是数字。</translation>
    </message>
    <message>
        <source>The model is unsure: its best guess is a {0}, at only {1:.0%}.</source>
        <translation>模型没把握：最可能是 {0}，但只有 {1:.0%}。</translation>
    </message>
    <message>
        <source>The model reads a {0} ({1:.0%}).</source>
        <translation>模型识别为 {0}（{1:.0%}）。</translation>
    </message>
    <message>
        <source>The model reads a {0} ({1:.0%}): accepting teaches it this is a {2}.</source>
        <translation>模型识别为 {0}（{1:.0%}）：接受即教它这是 {2}。</translation>
    </message>
</context>
<context>
    <name>HelpMenu</name>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>User &amp;guide</source>
        <translation>用户指南(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>Open &amp;TensorBoard</source>
        <translation>打开 TensorBoard(&amp;T)</translation>
    </message>
    <message>
        <source>Show the runs logged to TensorBoard (Train tab: Log to TensorBoard) in your browser</source>
        <translation>在浏览器中显示记录到 TensorBoard 的训练（“训练”页：记录到 TensorBoard）</translation>
    </message>
    <message>
        <source>&amp;Language…</source>
        <translation>语言 / Language(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;About DigitLab</source>
        <translation>关于 DigitLab(&amp;A)</translation>
    </message>
    <message>
        <source>Draw digits, train convolutional networks and look inside them.</source>
        <translation>手写数字，训练卷积神经网络，并观察其内部。</translation>
    </message>
    <message>
        <source>About DigitLab</source>
        <translation>关于 DigitLab</translation>
    </message>
    <message>
        <source>{0} (in {1})</source>
        <translation>{0}（在“{1}”中）</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>TensorBoard at {0} (it stops when DigitLab closes)</source>
        <translation>TensorBoard 位于 {0}（DigitLab 关闭时它会停止）</translation>
    </message>
    <message>
        <source>User guide</source>
        <translation>用户指南</translation>
    </message>
    <message>
        <source>The user guide is in {0}.</source>
        <translation>用户指南位于 {0}。</translation>
    </message>
</context>
<context>
    <name>KernelLearnerView</name>
    <message>
        <source>The images X that the target turns into Y</source>
        <translation>经目标卷积核变换为 Y 的图片 X</translation>
    </message>
    <message>
        <source>Tutorial pattern (6×8, two edges)</source>
        <translation>教程图案（6×8，两条边缘）</translation>
    </message>
    <message>
        <source>Your drawing (28×28)</source>
        <translation>你的手写（28×28）</translation>
    </message>
    <message>
        <source>4 MNIST test digits</source>
        <translation>4 张 MNIST 测试数字</translation>
    </message>
    <message>
        <source>Step size of gradient descent; the arrows step 1, 2, 5</source>
        <translation>梯度下降的步长；箭头按 1、2、5 步进</translation>
    </message>
    <message>
        <source>Plain gradient descent on this input converges only below this rate (2 / the largest curvature)</source>
        <translation>在此输入上，普通梯度下降只有在学习率低于该值时才收敛（2 / 最大曲率）</translation>
    </message>
    <message>
        <source>Which random kernel to start from</source>
        <translation>从哪个随机卷积核开始</translation>
    </message>
    <message>
        <source>How many steps per second Run takes</source>
        <translation>“运行”每秒走多少步</translation>
    </message>
    <message>
        <source>10 steps/s</source>
        <translation>10 步/秒</translation>
    </message>
    <message>
        <source>30 steps/s</source>
        <translation>30 步/秒</translation>
    </message>
    <message>
        <source>300 steps/s</source>
        <translation>300 步/秒</translation>
    </message>
    <message>
        <source>as fast as it goes</source>
        <translation>尽可能快</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Take one gradient-descent step (F10)</source>
        <translation>走一步梯度下降（F10）</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Keep stepping, or pause (F5)</source>
        <translation>持续迭代，或暂停（F5）</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Back to the random start (Ctrl+R)</source>
        <translation>回到随机起点（Ctrl+R）</translation>
    </message>
    <message>
        <source>The learned kernel&apos;s values</source>
        <translation>学到的卷积核的值</translation>
    </message>
    <message>
        <source>Input X</source>
        <translation>输入 X</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Learned values</source>
        <translation>学到的值</translation>
    </message>
    <message>
        <source>converges below {0:.3g}</source>
        <translation>低于 {0:.3g} 时收敛</translation>
    </message>
    <message>
        <source>Nothing to learn: {0}.</source>
        <translation>没有可学的：{0}。</translation>
    </message>
    <message>
        <source>Step {0} · loss {1:.3g} · max |K − target| = {2:.2g}</source>
        <translation>第 {0} 步 · 损失 {1:.3g} · max |K − 目标| = {2:.2g}</translation>
    </message>
    <message>
        <source>Diverged at step {0}: rate {1:g} is above this input&apos;s limit {2:.3g}; lower it.</source>
        <translation>在第 {0} 步发散：学习率 {1:g} 超过此输入的上限 {2:.3g}；请调低。</translation>
    </message>
    <message>
        <source>Step {0} · diverged; the last finite kernel is shown</source>
        <translation>第 {0} 步 · 已发散；显示最后一个有限的卷积核</translation>
    </message>
    <message>
        <source> · converged</source>
        <translation> · 已收敛</translation>
    </message>
    <message>
        <source> · within 1e-3 of the target</source>
        <translation> · 与目标相差在 1e-3 以内</translation>
    </message>
    <message>
        <source>The loss is zero but the kernel differs from the target: these images cannot tell the two apart. Try your drawing or MNIST digits.</source>
        <translation>损失为零，但卷积核与目标不同：这些图片无法区分两者。试试你的手写或 MNIST 数字。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
</context>
<context>
    <name>KernelLossPlot</name>
    <message>
        <source>Loss: sum of squared errors</source>
        <translation>损失：误差平方和</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>loss (log scale)</source>
        <translation>损失（对数刻度）</translation>
    </message>
</context>
<context>
    <name>KernelPictures</name>
    <message>
        <source>input X</source>
        <translation>输入 X</translation>
    </message>
    <message>
        <source>Y = X ⋆ target</source>
        <translation>Y = X ⋆ 目标</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>learned</source>
        <translation>学到的</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
</context>
<context>
    <name>KernelTable</name>
    <message>
        <source>Rows: input channel c, kernel row r; columns: kernel column</source>
        <translation>行：输入通道 c、卷积核行 r；列：卷积核列</translation>
    </message>
</context>
<context>
    <name>KernelView</name>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Point at a kernel to read its weights and bias.</source>
        <translation>指向一个卷积核即可读取其权重和偏置。</translation>
    </message>
    <message>
        <source>This model has no convolution layers.</source>
        <translation>此模型没有卷积层。</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>层：</translation>
    </message>
    <message>
        <source>{0} kernels, one per output channel</source>
        <translation>{0} 个卷积核，每个输出通道一个</translation>
    </message>
    <message>
        <source>output channel</source>
        <translation>输出通道</translation>
    </message>
    <message>
        <source>input channel</source>
        <translation>输入通道</translation>
    </message>
    <message>
        <source>{0} out × {1} in × {2}×{3} kernels, weights within ±{4:.3f}</source>
        <translation>{0} 输出 × {1} 输入 × {2}×{3} 卷积核，权重在 ±{4:.3f} 以内</translation>
    </message>
    <message>
        <source>no bias</source>
        <translation>无偏置</translation>
    </message>
    <message>
        <source>bias {0:+.4f}</source>
        <translation>偏置 {0:+.4f}</translation>
    </message>
    <message>
        <source>{0} · output {1} ← input {2} · weight ({3}, {4}) = {5:+.4f} · {6}</source>
        <translation>{0} · 输出 {1} ← 输入 {2} · 权重 ({3}, {4}) = {5:+.4f} · {6}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt;, output {1} ← input {2}&lt;pre&gt;{3}&lt;/pre&gt;{4}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;，输出 {1} ← 输入 {2}&lt;pre&gt;{3}&lt;/pre&gt;{4}</translation>
    </message>
</context>
<context>
    <name>LanguageDialog</name>
    <message>
        <source>Language</source>
        <translation>语言 / Language</translation>
    </message>
    <message>
        <source>As the system ({0})</source>
        <translation>跟随系统（{0}）</translation>
    </message>
    <message>
        <source>&amp;Language of DigitLab:</source>
        <translation>DigitLab 的语言(&amp;L)：</translation>
    </message>
    <message>
        <source>The new language takes effect after DigitLab restarts. Chinese text needs a CJK font (on Debian and Ubuntu: fonts-noto-cjk).</source>
        <translation>新的语言将在 DigitLab 重新启动后生效。中文需要 CJK 字体（Debian 和 Ubuntu：fonts-noto-cjk）。</translation>
    </message>
</context>
<context>
    <name>LayerCard</name>
    <message>
        <source>Look inside…</source>
        <translation>查看内部…</translation>
    </message>
    <message>
        <source>Inside this BatchNorm: its statistics, γ and β, and the drawing through it in train and eval mode</source>
        <translation>这个 BatchNorm 的内部：它的统计量、γ 和 β，以及手写在训练模式和评估模式下通过它的结果</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; &amp;nbsp;{1} &amp;nbsp;→ {2}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; &amp;nbsp;{1} &amp;nbsp;→ {2}</translation>
    </message>
    <message>
        <source>Output size = (N + 2P − F) / S + 1, with input size N, padding P, filter size F and stride S</source>
        <translation>输出尺寸 = (N + 2P − F) / S + 1，其中 N 为输入尺寸，P 为填充，F 为卷积核大小，S 为步幅</translation>
    </message>
</context>
<context>
    <name>LayerInspector</name>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>The model&apos;s name in the spec, the shelf and runs</source>
        <translation>模型在定义文件、模型架和训练记录中的名称</translation>
    </message>
    <message>
        <source>How every conv and linear layer&apos;s weights start, unless a layer says otherwise</source>
        <translation>每个卷积层和全连接层的权重如何初始化（除非该层另有设置）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Init</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>as the network</source>
        <translation>与网络相同</translation>
    </message>
    <message>
        <source>PyTorch default</source>
        <translation>PyTorch 默认</translation>
    </message>
    <message>
        <source>Xavier</source>
        <translation>Xavier</translation>
    </message>
    <message>
        <source>Kaiming</source>
        <translation>Kaiming</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>正态分布</translation>
    </message>
    <message>
        <source>Layer: {0}</source>
        <translation>层：{0}</translation>
    </message>
    <message>
        <source>Select a layer to edit it, or add one from the palette.</source>
        <translation>选择一层进行编辑，或从层面板添加。</translation>
    </message>
    <message>
        <source>No settings.</source>
        <translation>没有设置项。</translation>
    </message>
    <message>
        <source>The module&apos;s name (features.conv1 …); empty: automatic</source>
        <translation>模块名称（features.conv1 …）；留空：自动命名</translation>
    </message>
</context>
<context>
    <name>LayerKinds</name>
    <message>
        <source>Initialisation</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>How this layer&apos;s weights start; &apos;as the network&apos; follows the network&apos;s choice</source>
        <translation>该层权重如何初始化；“与网络相同”即沿用网络的设置</translation>
    </message>
    <message>
        <source>Kernel</source>
        <translation>卷积核</translation>
    </message>
    <message>
        <source>Window height × width</source>
        <translation>窗口高 × 宽</translation>
    </message>
    <message>
        <source>Stride</source>
        <translation>步幅</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Step between windows; auto: the kernel size (no overlap)</source>
        <translation>窗口之间的步长；自动：等于卷积核大小（不重叠）</translation>
    </message>
    <message>
        <source>Padding</source>
        <translation>填充</translation>
    </message>
    <message>
        <source>Border added on each side; at most half the kernel</source>
        <translation>每侧添加的边框；最多为卷积核的一半</translation>
    </message>
    <message>
        <source>Conv2d</source>
        <translation>卷积层</translation>
    </message>
    <message>
        <source>Slides small learned kernels over the image; each output channel sums a kernel&apos;s products with every input channel under the window.</source>
        <translation>在图像上滑动学到的小卷积核；每个输出通道把一个卷积核与窗口下所有输入通道的乘积相加。</translation>
    </message>
    <message>
        <source>Out channels</source>
        <translation>输出通道数</translation>
    </message>
    <message>
        <source>How many kernels, hence output feature maps</source>
        <translation>卷积核的个数，即输出特征图的个数</translation>
    </message>
    <message>
        <source>Step of the window; 2 halves the map</source>
        <translation>窗口的步长；2 使特征图减半</translation>
    </message>
    <message>
        <source>Rows/columns added around the input; (k − 1)/2 keeps the size</source>
        <translation>在输入四周添加的行/列；(k − 1)/2 可保持尺寸</translation>
    </message>
    <message>
        <source>Dilation</source>
        <translation>膨胀</translation>
    </message>
    <message>
        <source>Spacing of the kernel&apos;s taps; widens the view at no cost</source>
        <translation>卷积核各抽头的间距；不增加开销即可扩大视野</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Split channels into groups convolved separately; must divide both</source>
        <translation>把通道分成各自卷积的组；必须能整除输入和输出通道数</translation>
    </message>
    <message>
        <source>Bias</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>Add a learned constant per map</source>
        <translation>每张特征图加一个学到的常数</translation>
    </message>
    <message>
        <source>Padding mode</source>
        <translation>填充方式</translation>
    </message>
    <message>
        <source>What the added border holds</source>
        <translation>添加的边框中填什么</translation>
    </message>
    <message>
        <source>MaxPool</source>
        <translation>最大池化</translation>
    </message>
    <message>
        <source>Keeps the largest value of each window: a smaller map that tolerates small shifts.</source>
        <translation>保留每个窗口中的最大值：得到更小且能容忍小幅平移的特征图。</translation>
    </message>
    <message>
        <source>AvgPool</source>
        <translation>平均池化</translation>
    </message>
    <message>
        <source>Averages each window (LeNet&apos;s subsampling): a smaller, smoother map.</source>
        <translation>对每个窗口取平均（LeNet 的下采样）：得到更小、更平滑的特征图。</translation>
    </message>
    <message>
        <source>Adaptive AvgPool</source>
        <translation>自适应平均池化</translation>
    </message>
    <message>
        <source>Averages each map down to a fixed size whatever its input; 1×1 is global average pooling (NiN, GoogLeNet, ResNet).</source>
        <translation>无论输入多大，都把每张特征图平均到固定尺寸；1×1 即全局平均池化（NiN、GoogLeNet、ResNet）。</translation>
    </message>
    <message>
        <source>Output size</source>
        <translation>输出尺寸</translation>
    </message>
    <message>
        <source>ReLU</source>
        <translation>ReLU</translation>
    </message>
    <message>
        <source>max(0, x): passes positives, zeroes negatives; gradients do not vanish.</source>
        <translation>max(0, x)：正值通过，负值置零；梯度不会消失。</translation>
    </message>
    <message>
        <source>LeakyReLU</source>
        <translation>LeakyReLU</translation>
    </message>
    <message>
        <source>Like ReLU, but negatives keep a small slope, so no unit dies.</source>
        <translation>类似 ReLU，但负值保留一个小斜率，因此不会有神经元“死亡”。</translation>
    </message>
    <message>
        <source>Negative slope</source>
        <translation>负斜率</translation>
    </message>
    <message>
        <source>ELU</source>
        <translation>ELU</translation>
    </message>
    <message>
        <source>Smooth ReLU: negatives curve down to −alpha instead of stopping at zero.</source>
        <translation>平滑的 ReLU：负值向 −alpha 弯曲，而不是停在零。</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>Alpha</translation>
    </message>
    <message>
        <source>Sigmoid</source>
        <translation>Sigmoid</translation>
    </message>
    <message>
        <source>Squashes to (0, 1), as the 1998 LeNet did; saturates, so deep stacks learn slowly.</source>
        <translation>压缩到 (0, 1)，正如 1998 年的 LeNet；会饱和，因此深层网络学得慢。</translation>
    </message>
    <message>
        <source>Tanh</source>
        <translation>Tanh</translation>
    </message>
    <message>
        <source>Squashes to (−1, 1), centred on zero; saturates like the sigmoid.</source>
        <translation>压缩到 (−1, 1)，以零为中心；与 sigmoid 一样会饱和。</translation>
    </message>
    <message>
        <source>BatchNorm</source>
        <translation>批量归一化</translation>
    </message>
    <message>
        <source>Normalises each channel over the batch, then scales and shifts it: faster, steadier training.</source>
        <translation>在批量上对每个通道归一化，再缩放和平移：训练更快、更稳。</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>While training, zeroes a random fraction of values so units cannot co-adapt.</source>
        <translation>训练时把随机一部分值置零，使神经元无法相互依赖。</translation>
    </message>
    <message>
        <source>Drop probability</source>
        <translation>丢弃概率</translation>
    </message>
    <message>
        <source>Flatten</source>
        <translation>展平</translation>
    </message>
    <message>
        <source>Lays the C×H×W maps out as one vector for the linear layers; the classifier starts here.</source>
        <translation>把 C×H×W 的特征图排成一个向量供全连接层使用；分类器从这里开始。</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>全连接层</translation>
    </message>
    <message>
        <source>Every output is a weighted sum of every input (a fully connected layer).</source>
        <translation>每个输出都是所有输入的加权和（全连接层）。</translation>
    </message>
    <message>
        <source>Out features</source>
        <translation>输出特征数</translation>
    </message>
    <message>
        <source>Add a learned constant per output</source>
        <translation>每个输出加一个学到的常数</translation>
    </message>
    <message>
        <source>Residual block</source>
        <translation>残差块</translation>
    </message>
    <message>
        <source>Two 3×3 conv + BatchNorm layers whose input is added back to their output (ResNet), so a block can learn the identity.</source>
        <translation>两个 3×3 卷积 + BatchNorm 层，其输入加回到输出上（ResNet），因此一个块可以学到恒等映射。</translation>
    </message>
    <message>
        <source>2 halves the map</source>
        <translation>2 使特征图减半</translation>
    </message>
    <message>
        <source>1×1 conv shortcut</source>
        <translation>1×1 卷积捷径</translation>
    </message>
    <message>
        <source>Needed when the block changes the channels or the size</source>
        <translation>当块改变通道数或尺寸时需要</translation>
    </message>
    <message>
        <source>Inception block</source>
        <translation>Inception 块</translation>
    </message>
    <message>
        <source>Four paths side by side — 1×1, 1×1→3×3, 1×1→5×5 and 3×3 max-pool→1×1 — whose maps are stacked (GoogLeNet).</source>
        <translation>四条并行路径——1×1、1×1→3×3、1×1→5×5 和 3×3 最大池化→1×1——其特征图堆叠在一起（GoogLeNet）。</translation>
    </message>
    <message>
        <source>1×1 path</source>
        <translation>1×1 路径</translation>
    </message>
    <message>
        <source>3×3 path (reduce, out)</source>
        <translation>3×3 路径（降维，输出）</translation>
    </message>
    <message>
        <source>5×5 path (reduce, out)</source>
        <translation>5×5 路径（降维，输出）</translation>
    </message>
    <message>
        <source>Pool path</source>
        <translation>池化路径</translation>
    </message>
    <message>
        <source>Expression</source>
        <translation>表达式</translation>
    </message>
    <message>
        <source>A layer without parameters of your own: any expression of its input x, such as x - x.mean() (centring) or x.clamp(min=0).</source>
        <translation>没有自己参数的层：输入 x 的任意表达式，例如 x - x.mean()（中心化）或 x.clamp(min=0)。</translation>
    </message>
    <message>
        <source>Expression of x</source>
        <translation>x 的表达式</translation>
    </message>
    <message>
        <source>Numbers, x, + − × / **, and x.mean(), .sum(), .std(), .abs(), .relu(), .sigmoid(), .tanh(), .clamp(min=…, max=…) … with dim=…, keepdim=True</source>
        <translation>数字、x、+ − × / **，以及 x.mean()、.sum()、.std()、.abs()、.relu()、.sigmoid()、.tanh()、.clamp(min=…, max=…) …，可带 dim=…、keepdim=True</translation>
    </message>
    <message>
        <source>Scale (own parameter)</source>
        <translation>缩放（自有参数）</translation>
    </message>
    <message>
        <source>A layer with a parameter of its own (nn.Parameter): one learned factor per channel or feature, and optionally a learned shift.</source>
        <translation>带有自己参数（nn.Parameter）的层：每个通道或特征一个学到的系数，还可以加一个学到的平移。</translation>
    </message>
    <message>
        <source>Learned shift</source>
        <translation>学到的平移</translation>
    </message>
    <message>
        <source>Add a learned constant too</source>
        <translation>再加一个学到的常数</translation>
    </message>
    <message>
        <source>Shared layer</source>
        <translation>共享层</translation>
    </message>
    <message>
        <source>Runs an earlier layer again with the same weights (tied parameters): its weights are counted and trained once.</source>
        <translation>用相同的权重再次运行前面的某一层（绑定参数）：其权重只计数、只训练一次。</translation>
    </message>
    <message>
        <source>Layer to reuse</source>
        <translation>要复用的层</translation>
    </message>
    <message>
        <source>The name of an earlier layer with weights, e.g. fc2 or features.conv2; its input channels (or features) must match</source>
        <translation>前面某个带权重的层的名称，例如 fc2 或 features.conv2；它的输入通道数（或特征数）必须一致</translation>
    </message>
    <message>
        <source>weights of {0}</source>
        <translation>{0} 的权重</translation>
    </message>
    <message>
        <source>stride</source>
        <translation>步幅</translation>
    </message>
    <message>
        <source>pad</source>
        <translation>填充</translation>
    </message>
    <message>
        <source>dil</source>
        <translation>膨胀</translation>
    </message>
    <message>
        <source>groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>1×1 shortcut</source>
        <translation>1×1 捷径</translation>
    </message>
    <message>
        <source>no bias</source>
        <translation>无偏置</translation>
    </message>
</context>
<context>
    <name>LayerTableView</name>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Name and type; drag a row to move the layer</source>
        <translation>名称和类型；拖动一行可移动该层</translation>
    </message>
    <message>
        <source>Output
shape</source>
        <translation>输出
形状</translation>
    </message>
    <message>
        <source>Output shape for one 28×28 image (channels×height×width)</source>
        <translation>一张 28×28 图片的输出形状（通道×高×宽）</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Trainable parameters (weights and biases)</source>
        <translation>可训练参数（权重和偏置）</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>乘加</translation>
    </message>
    <message>
        <source>Multiply-adds for one image ({0}; pooling, BatchNorm and activations not counted); 1 MAC = 2 FLOPs</source>
        <translation>一张图片的乘加次数（{0}；不计池化、BatchNorm 和激活函数）；1 次乘加 = 2 FLOPs</translation>
    </message>
    <message>
        <source>Receptive
field</source>
        <translation>感受野</translation>
    </message>
    <message>
        <source>Input pixels one output value sees, and in brackets the jump: input pixels between neighbouring outputs</source>
        <translation>一个输出值能看到的输入像素数，括号中为跳距：相邻输出之间相隔的输入像素数</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>The 28×28 grey image the canvas and the datasets give</source>
        <translation>画布和数据集给出的 28×28 灰度图</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>{0:,} parameters, {1:,} multiply-adds = {2:,} FLOPs per image</source>
        <translation>{0:,} 个参数，{1:,} 次乘加 = 每张图 {2:,} FLOPs</translation>
    </message>
    <message>
        <source>{0}: {1} → {2}, {3:,} parameters, {4:,} MACs</source>
        <translation>{0}：{1} → {2}，{3:,} 个参数，{4:,} 次乘加</translation>
    </message>
    <message>
        <source>breaks here</source>
        <translation>在此出错</translation>
    </message>
</context>
<context>
    <name>LossPlot</name>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>训练轮</translation>
    </message>
    <message>
        <source>loss (log scale)</source>
        <translation>损失（对数刻度）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>DigitLab</source>
        <translation>DigitLab</translation>
    </message>
    <message>
        <source>Loading this tab…</source>
        <translation>正在加载此页…</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Loading PyTorch and the model…</source>
        <translation>正在加载 PyTorch 和模型…</translation>
    </message>
    <message>
        <source>Bundled model (answering while PyTorch loads…)</source>
        <translation>内置模型（PyTorch 加载期间作答…）</translation>
    </message>
    <message>
        <source>The model could not be loaded.</source>
        <translation>无法加载模型。</translation>
    </message>
    <message>
        <source>Could not load PyTorch or the model: {0}: {1}</source>
        <translation>无法加载 PyTorch 或模型：{0}：{1}</translation>
    </message>
    <message>
        <source>A run is in progress; stop it to train this one.</source>
        <translation>正在训练；请先停止它再训练这个网络。</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Feature maps</source>
        <translation>特征图</translation>
    </message>
    <message>
        <source>Kernels</source>
        <translation>卷积核</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Perturb</source>
        <translation>扰动</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Build</source>
        <translation>搭建</translation>
    </message>
    <message>
        <source>Convolution</source>
        <translation>卷积</translation>
    </message>
    <message>
        <source>Coach</source>
        <translation>书写教练</translation>
    </message>
    <message>
        <source>Learn a kernel</source>
        <translation>学习卷积核</translation>
    </message>
    <message>
        <source>Browse data</source>
        <translation>浏览数据</translation>
    </message>
    <message>
        <source>The model failed on this drawing: {0}</source>
        <translation>模型处理这幅手写时出错：{0}</translation>
    </message>
    <message>
        <source>Live: the model being trained</source>
        <translation>实时：正在训练的模型</translation>
    </message>
    <message>
        <source>Model: {0}</source>
        <translation>模型：{0}</translation>
    </message>
    <message>
        <source>Could not reopen the last model, so the bundled model is used. {0}</source>
        <translation>无法重新打开上次的模型，改用内置模型。{0}</translation>
    </message>
    <message>
        <source>The bundled model could not be loaded ({0}). Using an untrained {1} model: train it in the Train tab or open a model file.</source>
        <translation>无法加载内置模型（{0}）。改用未训练的 {1} 模型：请在“训练”页训练它，或打开模型文件。</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
</context>
<context>
    <name>MapGrid</name>
    <message>
        <source>class {0}</source>
        <translation>类别 {0}</translation>
    </message>
    <message>
        <source>unit {0}</source>
        <translation>单元 {0}</translation>
    </message>
    <message>
        <source>{0}: {1:.3f}</source>
        <translation>{0}：{1:.3f}</translation>
    </message>
    <message>
        <source>channel {0}, row {1}, column {2}: {3:.3f}</source>
        <translation>通道 {0}，第 {1} 行，第 {2} 列：{3:.3f}</translation>
    </message>
    <message>
        <source>{0}
channel {1}: min {2:.3f}, max {3:.3f} (click to enlarge)</source>
        <translation>{0}
通道 {1}：最小 {2:.3f}，最大 {3:.3f}（点击放大）</translation>
    </message>
</context>
<context>
    <name>MessageBanner</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>MisclassifiedGallery</name>
    <message>
        <source>Click an image to put it on the canvas</source>
        <translation>点击图片即可放到画布上</translation>
    </message>
    <message>
        <source>#{0}: {1} → {2}
{3}</source>
        <translation>#{0}：{1} → {2}
{3}</translation>
    </message>
    <message>
        <source>Test image #{0}: a {1}, read as {2}
top 3: {3}
Click to put it on the canvas</source>
        <translation>测试图片 #{0}：一个 {1}，被识别为 {2}
前 3 名：{3}
点击放到画布上</translation>
    </message>
</context>
<context>
    <name>ModelBar</name>
    <message>
        <source>The model the canvas uses: the bundled model, your training runs and the model files you opened</source>
        <translation>画布使用的模型：内置模型、你的训练记录和你打开的模型文件</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <source>Replay the run: the canvas, feature maps and kernels use the weights after this epoch (arrow keys step, Home/End jump)</source>
        <translation>回放训练：画布、特征图和卷积核使用该训练轮结束后的权重（方向键单步，Home/End 跳到首尾）</translation>
    </message>
    <message>
        <source>&amp;Replay:</source>
        <translation>回放(&amp;R)：</translation>
    </message>
    <message>
        <source>Use the &amp;bundled model</source>
        <translation>使用内置模型(&amp;B)</translation>
    </message>
    <message>
        <source>Bundled</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>Predict with the model that ships with DigitLab again (Ctrl+B)</source>
        <translation>重新使用 DigitLab 自带的模型进行预测（Ctrl+B）</translation>
    </message>
    <message>
        <source>&amp;Remove model from shelf</source>
        <translation>从模型架移除模型(&amp;R)</translation>
    </message>
    <message>
        <source>Take the current model off the shelf (a run&apos;s files are deleted); the canvas goes back to the bundled model</source>
        <translation>把当前模型从模型架上移除（训练记录的文件会被删除）；画布改回内置模型</translation>
    </message>
    <message>
        <source>The canvas uses the bundled model again.</source>
        <translation>画布重新使用内置模型。</translation>
    </message>
    <message>
        <source>The bundled model always stays on the shelf.</source>
        <translation>内置模型始终保留在模型架上。</translation>
    </message>
    <message>
        <source>Removed {0} from the shelf.</source>
        <translation>已从模型架移除 {0}。</translation>
    </message>
    <message>
        <source>Model: {0}</source>
        <translation>模型：{0}</translation>
    </message>
    <message>
        <source> · test accuracy {0:.2%}</source>
        <translation> · 测试准确率 {0:.2%}</translation>
    </message>
    <message>
        <source> · not tested</source>
        <translation> · 未测试</translation>
    </message>
    <message>
        <source> · replaying: {0}</source>
        <translation> · 回放：{0}</translation>
    </message>
    <message>
        <source>another dataset</source>
        <translation>另一个数据集</translation>
    </message>
    <message>
        <source>its own classes</source>
        <translation>它自己的类别</translation>
    </message>
    <message>
        <source>This model was trained on {0}: it answers with {1} ({2}), not digits.</source>
        <translation>此模型在 {0} 上训练：它的答案是{1}（{2}），而不是数字。</translation>
    </message>
    <message>
        <source>Cannot replay this epoch: {0}</source>
        <translation>无法回放这一轮：{0}</translation>
    </message>
    <message>
        <source> · {0:.1%} test</source>
        <translation> · 测试 {0:.1%}</translation>
    </message>
</context>
<context>
    <name>ModelExport</name>
    <message>
        <source>ONNX graph (*.onnx)</source>
        <translation>ONNX 计算图 (*.onnx)</translation>
    </message>
    <message>
        <source>torch.export program (*.pt2)</source>
        <translation>torch.export 程序 (*.pt2)</translation>
    </message>
    <message>
        <source>PyTorch code (*.py)</source>
        <translation>PyTorch 代码 (*.py)</translation>
    </message>
    <message>
        <source>Export model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Could not write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
    <message>
        <source>Wrote {0}: class Net, the model as PyTorch code.</source>
        <translation>已写入 {0}：class Net，即模型的 PyTorch 代码。</translation>
    </message>
    <message>
        <source>ONNX export needs the export extra: pip install &apos;digitlab[export]&apos;</source>
        <translation>导出 ONNX 需要 export 附加组件：pip install &apos;digitlab[export]&apos;</translation>
    </message>
    <message>
        <source>Exporting {0}…</source>
        <translation>正在导出 {0}…</translation>
    </message>
    <message>
        <source>Tracing the model and writing the file…</source>
        <translation>正在追踪模型并写入文件…</translation>
    </message>
    <message>
        <source>Checking the file against DigitLab on MNIST test pictures…</source>
        <translation>正在用 MNIST 测试图片核对文件与 DigitLab 的结果…</translation>
    </message>
    <message>
        <source>Could not export the model: {0}</source>
        <translation>无法导出模型：{0}</translation>
    </message>
    <message>
        <source>Wrote {0} ({1}); it agrees with DigitLab on {2} MNIST test pictures (largest probability difference {3:.1e}).</source>
        <translation>已写入 {0}（{1}）；在 {2} 张 MNIST 测试图片上与 DigitLab 一致（最大概率差 {3:.1e}）。</translation>
    </message>
    <message>
        <source>Wrote {0} ({1}), but it DISAGREES with DigitLab on {2} MNIST test pictures (largest probability difference {3:.1e}).</source>
        <translation>已写入 {0}（{1}），但在 {2} 张 MNIST 测试图片上与 DigitLab 不一致（最大概率差 {3:.1e}）。</translation>
    </message>
</context>
<context>
    <name>ModelLibrary</name>
    <message>
        <source>No model {0} on the shelf.</source>
        <translation>模型架上没有模型 {0}。</translation>
    </message>
    <message>
        <source>Could not use {0}: {1}</source>
        <translation>无法使用 {0}：{1}</translation>
    </message>
    <message>
        <source>initial weights</source>
        <translation>初始权重</translation>
    </message>
    <message>
        <source>epoch {0}</source>
        <translation>第 {0} 轮</translation>
    </message>
    <message>
        <source>diverged in epoch {0}</source>
        <translation>在第 {0} 轮发散</translation>
    </message>
    <message>
        <source>stopped in epoch {0}</source>
        <translation>在第 {0} 轮停止</translation>
    </message>
</context>
<context>
    <name>ModelShelf</name>
    <message>
        <source>Bundled model</source>
        <translation>内置模型</translation>
    </message>
    <message>
        <source>{0} · file not found</source>
        <translation>{0} · 找不到文件</translation>
    </message>
    <message>
        <source>Unsaved model</source>
        <translation>未保存的模型</translation>
    </message>
    <message>
        <source>{0}: file not found</source>
        <translation>{0}：找不到文件</translation>
    </message>
</context>
<context>
    <name>PairEdit</name>
    <message>
        <source>Linked: height and width change together</source>
        <translation>已联动：高和宽一起变化</translation>
    </message>
</context>
<context>
    <name>PerClassPlot</name>
    <message>
        <source>Accuracy per class</source>
        <translation>每类准确率</translation>
    </message>
</context>
<context>
    <name>PerturbationSliders</name>
    <message>
        <source>Change the input</source>
        <translation>改变输入</translation>
    </message>
    <message>
        <source>Rotate</source>
        <translation>旋转</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Shift right</source>
        <translation>右移</translation>
    </message>
    <message>
        <source>Shift down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Thicken / thin</source>
        <translation>加粗 / 变细</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Put every slider back to no change</source>
        <translation>把所有滑块恢复为不变</translation>
    </message>
</context>
<context>
    <name>PerturbationView</name>
    <message>
        <source>The perturbed 28×28 input</source>
        <translation>扰动后的 28×28 输入</translation>
    </message>
    <message>
        <source>Smallest change that flips it</source>
        <translation>能改变答案的最小扰动</translation>
    </message>
    <message>
        <source>Search for the smallest change of every pixel (L∞, iterative FGSM) that makes the model answer something else</source>
        <translation>搜索每个像素的最小改变（L∞，迭代 FGSM），使模型给出别的答案</translation>
    </message>
    <message>
        <source>Probability of each class against</source>
        <translation>各类别的概率随</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <source>Draw a digit on the canvas to play with it.</source>
        <translation>在画布上写一个数字，来试试扰动。</translation>
    </message>
    <message>
        <source>How little must every pixel change before the model reads something else?</source>
        <translation>每个像素至少要改变多少，模型才会识别成别的数字？</translation>
    </message>
    <message>
        <source>The model failed: {0}</source>
        <translation>模型出错：{0}</translation>
    </message>
    <message>
        <source>Reads {0} ({1:.0%})</source>
        <translation>识别为 {0}（{1:.0%}）</translation>
    </message>
    <message>
        <source>No change up to ε = 0.5 (half of full ink) flips this answer.</source>
        <translation>ε 不超过 0.5（满墨迹的一半）的任何改变都无法改变这个答案。</translation>
    </message>
    <message>
        <source>Every pixel changed by at most ε = {0:.3f} ({1:.0%} of full ink): the model now reads {2} ({3:.0%}) instead of {4}.</source>
        <translation>每个像素最多改变 ε = {0:.3f}（满墨迹的 {1:.0%}）：模型现在识别为 {2}（{3:.0%}），而不是 {4}。</translation>
    </message>
</context>
<context>
    <name>PredictionPanel</name>
    <message>
        <source>probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>digit</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>The 28×28 image the model really sees</source>
        <translation>模型实际看到的 28×28 图像</translation>
    </message>
    <message>
        <source>Model input (28×28)</source>
        <translation>模型输入（28×28）</translation>
    </message>
    <message>
        <source>Preprocessing</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>The model has not finished an epoch of training (epoch 0): its answers are little better than guesses.</source>
        <translation>模型还没训练完一轮（第 0 轮）：它的答案比瞎猜好不了多少。</translation>
    </message>
    <message>
        <source>after 1 epoch</source>
        <translation>训练 1 轮后</translation>
    </message>
    <message>
        <source>after {0} epochs</source>
        <translation>训练 {0} 轮后</translation>
    </message>
    <message>
        <source>The model is barely trained ({0:.0%} right on the test set {1}): its answers are shaky.</source>
        <translation>模型训练得还很少（{1}在测试集上正确率 {0:.0%}）：它的答案不太可靠。</translation>
    </message>
    <message>
        <source>Draw a digit</source>
        <translation>写一个数字</translation>
    </message>
    <message>
        <source>The model&apos;s answer appears here while you draw.</source>
        <translation>书写时这里会显示模型的答案。</translation>
    </message>
    <message>
        <source>This does not look like a digit</source>
        <translation>这看起来不像数字</translation>
    </message>
    <message>
        <source>Letters, symbols and scribbles get this answer. The closest digit would be {0} ({1}); its bar can still be tall, as the ten always add up to 100 %.</source>
        <translation>字母、符号和涂鸦都会得到这个答案。最接近的数字是 {0}（{1}）；它的柱子仍可能很高，因为十个概率之和总是 100 %。</translation>
    </message>
    <message>
        <source>Not sure: {0} or {1}?</source>
        <translation>没把握：{0} 还是 {1}？</translation>
    </message>
    <message>
        <source>Best guess {0} ({1}), then {2} ({3}). {4}</source>
        <translation>最可能是 {0}（{1}），其次是 {2}（{3}）。{4}</translation>
    </message>
    <message>
        <source>{0}  ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>The model reads a {0} with {1} confidence.</source>
        <translation>模型识别为 {0}，置信度 {1}。</translation>
    </message>
    <message>
        <source>The model is unsure of this picture from the data set.</source>
        <translation>模型对数据集中的这张图没把握。</translation>
    </message>
    <message>
        <source>The model is unsure of this drawing; a clearer one may help.</source>
        <translation>模型对这幅手写没把握；写得更清楚些可能会有帮助。</translation>
    </message>
</context>
<context>
    <name>ProgressGrid</name>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt;&lt;br&gt;{1}/{2}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;&lt;br&gt;{1}/{2}</translation>
    </message>
    <message>
        <source>{0} samples of {1}</source>
        <translation>{1} 的样本 {0} 个</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>ReliabilityPlot</name>
    <message>
        <source>confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Reliability diagram</source>
        <translation>可靠性图</translation>
    </message>
    <message>
        <source>T = 1: the confidences are as the model gives them</source>
        <translation>T = 1：置信度保持模型给出的原值</translation>
    </message>
    <message>
        <source>T = {0:.2f} rescales every confidence (fitted on validation images)</source>
        <translation>T = {0:.2f} 重新缩放每个置信度（在验证图片上拟合）</translation>
    </message>
    <message>
        <source>Reliability diagram: &lt;b&gt;ECE {0:.2%}&lt;/b&gt;, the average gap between how sure the model is and how often it is right (0 is perfect). Bars: how often it was right at each confidence; orange: the gap; dashed line: perfect. {1}.</source>
        <translation>可靠性图：&lt;b&gt;ECE {0:.2%}&lt;/b&gt;，即模型的把握程度与实际正确频率之间的平均差距（0 为完美）。柱：各置信度下答对的频率；橙色：差距；虚线：完美。{1}。</translation>
    </message>
</context>
<context>
    <name>ResultsTable</name>
    <message>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Your held-out digits</source>
        <translation>你留出的数字</translation>
    </message>
    <message>
        <source>MNIST test images</source>
        <translation>MNIST 测试图片</translation>
    </message>
    <message>
        <source>Your held-out digits ({0})</source>
        <translation>你留出的数字（{0}）</translation>
    </message>
    <message>
        <source>MNIST test images ({0:,})</source>
        <translation>MNIST 测试图片（{0:,}）</translation>
    </message>
</context>
<context>
    <name>RunHealth</name>
    <message>
        <source>counted while a run trains</source>
        <translation>在训练运行时统计</translation>
    </message>
</context>
<context>
    <name>RunTexts</name>
    <message>
        <source>Training diverged: {0}. The run is on the model shelf; the canvas keeps its model.</source>
        <translation>训练发散：{0}。训练记录在模型架上；画布保留原模型。</translation>
    </message>
    <message>
        <source>Training stopped in epoch {0}. The run is on the model shelf; the canvas keeps its model until you pick the run there.</source>
        <translation>训练在第 {0} 轮停止。训练记录在模型架上；在那里选中它之前，画布保留原模型。</translation>
    </message>
    <message>
        <source>Training finished: {0:.2%} test accuracy after {1} epochs ({2}). The canvas now uses the new model.</source>
        <translation>训练完成：{1} 轮后测试准确率 {0:.2%}（{2}）。画布现在使用新模型。</translation>
    </message>
    <message>
        <source>Epoch {0}/{1} · starting…</source>
        <translation>第 {0}/{1} 轮 · 开始中…</translation>
    </message>
    <message>
        <source>Epoch {0}/{1}: {2:.0%} · run {3:.0%} · {4:,.0f} samples/s · ETA {5}</source>
        <translation>第 {0}/{1} 轮：{2:.0%} · 总进度 {3:.0%} · {4:,.0f} 样本/秒 · 剩余 {5}</translation>
    </message>
    <message>
        <source>Done: {0:.2%} test accuracy in {1}</source>
        <translation>完成：测试准确率 {0:.2%}，用时 {1}</translation>
    </message>
    <message>
        <source>Stopped in epoch {0}</source>
        <translation>在第 {0} 轮停止</translation>
    </message>
    <message>
        <source>Diverged in epoch {0}; last good weights restored</source>
        <translation>在第 {0} 轮发散；已恢复最后的正常权重</translation>
    </message>
    <message>
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>run #{0} {1}</source>
        <translation>训练 #{0} {1}</translation>
    </message>
    <message>
        <source>Done: {0:.2%} test accuracy in {1} ({2})</source>
        <translation>完成：测试准确率 {0:.2%}，用时 {1}（{2}）</translation>
    </message>
    <message>
        <source>Diverged in epoch {0}; last good weights restored ({1})</source>
        <translation>在第 {0} 轮发散；已恢复最后的正常权重（{1}）</translation>
    </message>
    <message>
        <source>Interrupted after epoch {0} ({1})</source>
        <translation>在第 {0} 轮后中断（{1}）</translation>
    </message>
    <message>
        <source>Stopped in epoch {0} ({1})</source>
        <translation>在第 {0} 轮停止（{1}）</translation>
    </message>
</context>
<context>
    <name>RunWriter</name>
    <message>
        <source>Could not save the run to {0}: {1}</source>
        <translation>无法把训练记录保存到 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>SaliencyControls</name>
    <message>
        <source>Why this answer?</source>
        <translation>为什么是这个答案？</translation>
    </message>
    <message>
        <source>Show which pixels pushed the answer (Ctrl+E): red towards the chosen class, blue away from it</source>
        <translation>显示哪些像素推动了答案（Ctrl+E）：红色推向所选类别，蓝色推离</translation>
    </message>
    <message>
        <source>Explain the answer, or ask &quot;why not a 7?&quot;</source>
        <translation>解释答案，或者问“为什么不是 7？”</translation>
    </message>
    <message>
        <source>Occlusion</source>
        <translation>遮挡</translation>
    </message>
    <message>
        <source>Integrated gradients</source>
        <translation>积分梯度</translation>
    </message>
    <message>
        <source>Gradient × input</source>
        <translation>梯度 × 输入</translation>
    </message>
    <message>
        <source>Occlusion covers 4×4 patches and measures the loss; integrated gradients and gradient × input follow the model&apos;s gradients</source>
        <translation>遮挡法用 4×4 块遮住图像并测量损失；积分梯度和梯度 × 输入依据模型的梯度</translation>
    </message>
    <message>
        <source>Explain</source>
        <translation>解释</translation>
    </message>
    <message>
        <source>by</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>the answer</source>
        <translation>答案</translation>
    </message>
    <message>
        <source>“{0}”</source>
        <translation>“{0}”</translation>
    </message>
    <message>
        <source>Draw a digit to see why.</source>
        <translation>写一个数字，看看为什么。</translation>
    </message>
    <message>
        <source>Red pixels pushed the model towards {0}, blue ones away from it ({1:.0f} ms).</source>
        <translation>红色像素把模型推向 {0}，蓝色像素推离它（{1:.0f} ms）。</translation>
    </message>
    <message>
        <source>Could not explain: {0}</source>
        <translation>无法解释：{0}</translation>
    </message>
</context>
<context>
    <name>SampleList</name>
    <message>
        <source>Collected samples</source>
        <translation>已收集的样本</translation>
    </message>
    <message>
        <source>Your samples. Delete removes the selected ones; Ctrl+Z puts the last removed back.</source>
        <translation>你的样本。Delete 删除所选样本；Ctrl+Z 恢复最后删除的样本。</translation>
    </message>
</context>
<context>
    <name>SamplesBox</name>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>Remove the selected samples (Delete)</source>
        <translation>删除所选样本（Delete）</translation>
    </message>
    <message>
        <source>&amp;Undo delete</source>
        <translation>撤销删除(&amp;U)</translation>
    </message>
    <message>
        <source>Put the last removed sample back (Ctrl+Z in the sample list)</source>
        <translation>恢复最后删除的样本（在样本列表中按 Ctrl+Z）</translation>
    </message>
    <message>
        <source>E&amp;xport zip…</source>
        <translation>导出 zip(&amp;X)…</translation>
    </message>
    <message>
        <source>Save all your samples in one zip file</source>
        <translation>把你的所有样本保存为一个 zip 文件</translation>
    </message>
    <message>
        <source>&amp;Import zip…</source>
        <translation>导入 zip(&amp;I)…</translation>
    </message>
    <message>
        <source>Add the samples of a zip file (exported here, or pictures named like 7_mine.png)</source>
        <translation>添加 zip 文件中的样本（在这里导出的，或命名为 7_mine.png 这样的图片）</translation>
    </message>
    <message>
        <source>Could not delete {0}: {1}</source>
        <translation>无法删除 {0}：{1}</translation>
    </message>
    <message>
        <source>Deleted {0} sample(s); Ctrl+Z in the list or “Undo delete” puts them back.</source>
        <translation>已删除 {0} 个样本；在列表中按 Ctrl+Z 或“撤销删除”可恢复。</translation>
    </message>
    <message>
        <source>Could not restore the sample: {0}</source>
        <translation>无法恢复样本：{0}</translation>
    </message>
    <message>
        <source>Restored a {0}.</source>
        <translation>已恢复一个 {0}。</translation>
    </message>
    <message>
        <source>Export your digits</source>
        <translation>导出你的数字</translation>
    </message>
    <message>
        <source>Zip files (*.zip)</source>
        <translation>Zip 文件 (*.zip)</translation>
    </message>
    <message>
        <source>Could not export to {0}: {1}</source>
        <translation>无法导出到 {0}：{1}</translation>
    </message>
    <message>
        <source>Exported {0} samples to {1}.</source>
        <translation>已导出 {0} 个样本到 {1}。</translation>
    </message>
    <message>
        <source>Import digits</source>
        <translation>导入数字</translation>
    </message>
    <message>
        <source>Could not import: {0}</source>
        <translation>无法导入：{0}</translation>
    </message>
    <message>
        <source>Imported {0} samples from {1}.</source>
        <translation>已从 {1} 导入 {0} 个样本。</translation>
    </message>
    <message>
        <source>Skipped {0}: {1}</source>
        <translation>已跳过 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>ShelfExport</name>
    <message>
        <source>Export as &amp;script…</source>
        <translation>导出为脚本(&amp;S)…</translation>
    </message>
    <message>
        <source>Write this run as one training script of plain PyTorch and torchvision: the model, the data, the loop, the run&apos;s settings and seed</source>
        <translation>把这次训练写成一个只用 PyTorch 和 torchvision 的训练脚本：模型、数据、训练循环、本次的设置和随机种子</translation>
    </message>
    <message>
        <source>Export &amp;history as CSV…</source>
        <translation>导出训练记录为 CSV(&amp;H)…</translation>
    </message>
    <message>
        <source>Write this run&apos;s history as CSV: one row per epoch (and, beside it, one per logged batch)</source>
        <translation>把这次训练的记录写成 CSV：每个训练轮数一行（另附一个文件，每个记录的批量一行）</translation>
    </message>
    <message>
        <source>Only a model DigitLab trained from scratch has a run to write as a script</source>
        <translation>只有 DigitLab 从头训练的模型才有可写成脚本的训练记录</translation>
    </message>
    <message>
        <source>{0} cannot be written as a script: {1}</source>
        <translation>{0} 无法写成脚本：{1}</translation>
    </message>
    <message>
        <source>Export as script</source>
        <translation>导出为脚本</translation>
    </message>
    <message>
        <source>Python scripts (*.py);;All files (*)</source>
        <translation>Python 脚本 (*.py);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not write the script. {0}</source>
        <translation>无法写入脚本。{0}</translation>
    </message>
    <message>
        <source>Wrote {0}: run it with python {1} --data FOLDER (MNIST as torchvision keeps it).</source>
        <translation>已写入 {0}：用 python {1} --data 文件夹 运行（文件夹里是 torchvision 格式的 MNIST）。</translation>
    </message>
    <message>
        <source>Export history as CSV</source>
        <translation>导出训练记录为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not write the history. {0}</source>
        <translation>无法写入训练记录。{0}</translation>
    </message>
    <message>
        <source>Wrote {0} ({1} epochs)</source>
        <translation>已写入 {0}（{1} 个训练轮数）</translation>
    </message>
    <message>
        <source> and {0} (every logged batch)</source>
        <translation> 和 {0}（每个记录的批量）</translation>
    </message>
</context>
<context>
    <name>SpecFiles</name>
    <message>
        <source>too large for a model spec</source>
        <translation>作为模型定义太大了</translation>
    </message>
    <message>
        <source>not a model spec (an object with features and classifier lists)</source>
        <translation>不是模型定义（应为含 features 和 classifier 列表的对象）</translation>
    </message>
    <message>
        <source>every layer must be an object with a type</source>
        <translation>每一层都必须是带 type 的对象</translation>
    </message>
</context>
<context>
    <name>SweepPlot</name>
    <message>
        <source>probability</source>
        <translation>概率</translation>
    </message>
</context>
<context>
    <name>TargetKernelEditor</name>
    <message>
        <source>The kernel that makes Y; gradient descent must find it again</source>
        <translation>生成 Y 的卷积核；梯度下降必须重新找到它</translation>
    </message>
    <message>
        <source>Edge [1, −1] (the tutorials&apos;)</source>
        <translation>边缘 [1, −1]（教程中的）</translation>
    </message>
    <message>
        <source>Horizontal edge [1; −1]</source>
        <translation>水平边缘 [1; −1]</translation>
    </message>
    <message>
        <source>Sobel x</source>
        <translation>Sobel x</translation>
    </message>
    <message>
        <source>Sobel y</source>
        <translation>Sobel y</translation>
    </message>
    <message>
        <source>Laplacian</source>
        <translation>拉普拉斯</translation>
    </message>
    <message>
        <source>Blur (3×3 mean)</source>
        <translation>模糊（3×3 均值）</translation>
    </message>
    <message>
        <source>Sharpen</source>
        <translation>锐化</translation>
    </message>
    <message>
        <source>Typed in</source>
        <translation>手动输入</translation>
    </message>
    <message>
        <source>Kernel height</source>
        <translation>卷积核高度</translation>
    </message>
    <message>
        <source>Kernel width</source>
        <translation>卷积核宽度</translation>
    </message>
    <message>
        <source>The target&apos;s values: type to change them</source>
        <translation>目标的值：输入即可修改</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
</context>
<context>
    <name>TensorBoardControls</name>
    <message>
        <source>Log to TensorBoard</source>
        <translation>记录到 TensorBoard</translation>
    </message>
    <message>
        <source>Write each run&apos;s curves, first-layer kernels, weight and gradient histograms, misclassified validation images and settings for TensorBoard, one folder per run (fine-tuning in the Coach tab too)</source>
        <translation>为 TensorBoard 写入每次训练的曲线、第一层卷积核、权重和梯度直方图、识别错误的验证图片和设置，每次训练一个文件夹（“书写教练”页中的微调也会记录）</translation>
    </message>
    <message>
        <source>The folder runs are logged to, and TensorBoard shows</source>
        <translation>训练记录写入、TensorBoard 显示的文件夹</translation>
    </message>
    <message>
        <source>Choose the TensorBoard folder</source>
        <translation>选择 TensorBoard 文件夹</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Open TensorBoard</source>
        <translation>打开 TensorBoard</translation>
    </message>
    <message>
        <source>Start TensorBoard on this folder and open it in your browser; it stops when DigitLab closes</source>
        <translation>在此文件夹上启动 TensorBoard 并在浏览器中打开；DigitLab 关闭时它会停止</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop TensorBoard (closing DigitLab stops it too)</source>
        <translation>停止 TensorBoard（关闭 DigitLab 也会停止它）</translation>
    </message>
    <message>
        <source>TensorBoard is not installed. To log runs and view them: &lt;code&gt;{0}&lt;/code&gt;</source>
        <translation>没有安装 TensorBoard。要记录并查看训练：&lt;code&gt;{0}&lt;/code&gt;</translation>
    </message>
    <message>
        <source>TensorBoard folder</source>
        <translation>TensorBoard 文件夹</translation>
    </message>
    <message>
        <source>TensorBoard at &lt;a href=&quot;{0}&quot;&gt;{1}&lt;/a&gt;</source>
        <translation>TensorBoard 位于 &lt;a href=&quot;{0}&quot;&gt;{1}&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Starting TensorBoard…</source>
        <translation>正在启动 TensorBoard…</translation>
    </message>
    <message>
        <source>Show TensorBoard</source>
        <translation>显示 TensorBoard</translation>
    </message>
</context>
<context>
    <name>TensorBoardViewer</name>
    <message>
        <source>TensorBoard is not installed: {0}</source>
        <translation>没有安装 TensorBoard：{0}</translation>
    </message>
    <message>
        <source>TensorBoard cannot show {0}: {1}</source>
        <translation>TensorBoard 无法显示 {0}：{1}</translation>
    </message>
    <message>
        <source>TensorBoard ended before it served (exit code {0}). {1}</source>
        <translation>TensorBoard 在开始服务前就结束了（退出码 {0}）。{1}</translation>
    </message>
    <message>
        <source>TensorBoard could not start: {0}</source>
        <translation>TensorBoard 无法启动：{0}</translation>
    </message>
</context>
<context>
    <name>TrainingAdvice</name>
    <message>
        <source>The loss blew up: try learning rate {0:g}, a tenth of {1:g}.</source>
        <translation>损失爆炸了：试试学习率 {0:g}，即 {1:g} 的十分之一。</translation>
    </message>
</context>
<context>
    <name>TrainingForm</name>
    <message>
        <source>The network to train</source>
        <translation>要训练的网络</translation>
    </message>
    <message>
        <source>Load spec file…</source>
        <translation>加载定义文件…</translation>
    </message>
    <message>
        <source>The images to learn from</source>
        <translation>用来学习的图片</translation>
    </message>
    <message>
        <source>How the weights follow the gradient</source>
        <translation>权重如何沿梯度更新</translation>
    </message>
    <message>
        <source>SGD</source>
        <translation>SGD</translation>
    </message>
    <message>
        <source>Adam</source>
        <translation>Adam</translation>
    </message>
    <message>
        <source>AdamW</source>
        <translation>AdamW</translation>
    </message>
    <message>
        <source>SGD&apos;s momentum: how much of the last step each step keeps (0: plain SGD, as the tutorials train). Adam and AdamW have their own and ignore it.</source>
        <translation>SGD 的动量：每一步保留上一步的多少（0：普通 SGD，与教程的训练方式相同）。Adam 和 AdamW 有各自的动量，忽略此项。</translation>
    </message>
    <message>
        <source>Peak learning rate; the arrows step 1, 2, 5, 10, …</source>
        <translation>峰值学习率；箭头按 1、2、5、10 … 步进</translation>
    </message>
    <message>
        <source>Images per gradient step</source>
        <translation>每次梯度更新的图片数</translation>
    </message>
    <message>
        <source>Passes over the training images</source>
        <translation>遍历训练图片的次数</translation>
    </message>
    <message>
        <source>Train on only the first N images, for a quick look</source>
        <translation>只用前 N 张图片训练，快速看一眼</translation>
    </message>
    <message>
        <source>all images</source>
        <translation>全部图片</translation>
    </message>
    <message>
        <source>Where training runs</source>
        <translation>在哪里训练</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>Apple GPU (MPS)</source>
        <translation>Apple GPU（MPS）</translation>
    </message>
    <message>
        <source>Same seed and settings: the same run again</source>
        <translation>相同的随机种子和设置：得到同样的训练</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Augment (shift, rotate, thicken)</source>
        <translation>数据增强（平移、旋转、加粗）</translation>
    </message>
    <message>
        <source>Randomly distort each batch, so the model copes with drawn digits</source>
        <translation>随机变形每个批次，让模型适应手写数字</translation>
    </message>
    <message>
        <source>Normalise input</source>
        <translation>归一化输入</translation>
    </message>
    <message>
        <source>Scale the pixels to the dataset&apos;s mean 0 and standard deviation 1. Off, they stay in [0, 1], as in the tutorials&apos; first LeNet, whose accuracy then stays near 10 % for epochs. The model remembers which, and reads drawings the same way</source>
        <translation>把像素缩放到数据集的均值 0、标准差 1。关闭时像素保持在 [0, 1] 之间，如同教程中的第一个 LeNet，其准确率会在多个训练轮内停留在 10 % 左右。模型会记住这一选择，并以同样的方式读取手写</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批量大小</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>训练轮数</translation>
    </message>
    <message>
        <source>Train on</source>
        <translation>训练数据量</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Load model spec</source>
        <translation>加载模型定义</translation>
    </message>
    <message>
        <source>Model specs (*.json);;All files (*)</source>
        <translation>模型定义 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not load the model spec. {0}</source>
        <translation>无法加载模型定义。{0}</translation>
    </message>
    <message>
        <source>{0} (from {1})</source>
        <translation>{0}（来自 {1}）</translation>
    </message>
    <message>
        <source>{0} (from the builder)</source>
        <translation>{0}（来自搭建页）</translation>
    </message>
    <message>
        <source>{0} {1:g}, batch {2}, {3} epochs, augmentation {4}</source>
        <translation>{0} {1:g}，批量 {2}，{3} 轮，数据增强{4}</translation>
    </message>
    <message>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>{0} is not made from a registered model, so it starts from the general recipe: {1}. Change it here before training.</source>
        <translation>{0} 不是由已注册的模型构成，因此从通用训练方案开始：{1}。训练前可在这里修改。</translation>
    </message>
    <message>
        <source>{0} trains with its own recipe: {1}.</source>
        <translation>{0} 使用它自己的训练方案：{1}。</translation>
    </message>
    <message>
        <source>{0} keeps the recipe of {1}: {2}. Change it here before training.</source>
        <translation>{0} 沿用 {1} 的训练方案：{2}。训练前可在这里修改。</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Start training with these settings</source>
        <translation>用这些设置开始训练</translation>
    </message>
    <message>
        <source>Hold the run, or continue it</source>
        <translation>暂停训练，或继续</translation>
    </message>
    <message>
        <source>End the run and use the model as it is</source>
        <translation>结束训练并使用当前模型</translation>
    </message>
    <message>
        <source>Cannot train: {0}</source>
        <translation>无法训练：{0}</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <source>Training failed: {0}</source>
        <translation>训练失败：{0}</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Paused · </source>
        <translation>已暂停 · </translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>&amp;Open image…</source>
        <translation>打开图片(&amp;O)…</translation>
    </message>
    <message>
        <source>Save &amp;drawing as image…</source>
        <translation>把手写另存为图片(&amp;D)…</translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Save model…</source>
        <translation>保存模型(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Export model…</source>
        <translation>导出模型(&amp;E)…</translation>
    </message>
    <message>
        <source>Write the canvas model as an ONNX graph, a torch.export program or PyTorch code (Ctrl+Shift+E); each graph is checked against DigitLab</source>
        <translation>把画布所用的模型写成 ONNX 计算图、torch.export 程序或 PyTorch 代码（Ctrl+Shift+E）；每个计算图都会与 DigitLab 核对</translation>
    </message>
    <message>
        <source>Datasets and data &amp;folder…</source>
        <translation>数据集和数据文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Where datasets are kept; download Fashion-MNIST, KMNIST or EMNIST</source>
        <translation>数据集保存在哪里；下载 Fashion-MNIST、KMNIST 或 EMNIST</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Code</source>
        <translation>代码(&amp;C)</translation>
    </message>
    <message>
        <source>The PyTorch code of the network in the Build tab, beside the tabs (Ctrl+Shift+C)</source>
        <translation>“搭建”页中网络的 PyTorch 代码，显示在各页旁边（Ctrl+Shift+C）</translation>
    </message>
    <message>
        <source>Open image</source>
        <translation>打开图片</translation>
    </message>
    <message>
        <source>Save drawing</source>
        <translation>保存手写</translation>
    </message>
    <message>
        <source>Open an image into the canvas (Ctrl+O)</source>
        <translation>把图片打开到画布中（Ctrl+O）</translation>
    </message>
    <message>
        <source>Save the drawing as an image (Ctrl+Shift+S); Ctrl+S saves the model</source>
        <translation>把手写保存为图片（Ctrl+Shift+S）；Ctrl+S 保存模型</translation>
    </message>
    <message>
        <source>Predict with a model file (Ctrl+Shift+O)</source>
        <translation>用模型文件进行预测（Ctrl+Shift+O）</translation>
    </message>
    <message>
        <source>Save the model the canvas uses to a file (Ctrl+S); the drawing is saved with Ctrl+Shift+S</source>
        <translation>把画布使用的模型保存为文件（Ctrl+S）；手写用 Ctrl+Shift+S 保存</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;All files (*)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;所有文件 (*)</translation>
    </message>
    <message>
        <source>DigitLab models (*.safetensors *.pt *.pth);;All files (*)</source>
        <translation>DigitLab 模型 (*.safetensors *.pt *.pth);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not save the drawing to {0}.</source>
        <translation>无法把手写保存到 {0}。</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Save model</source>
        <translation>保存模型</translation>
    </message>
    <message>
        <source>Could not open the model. {0}</source>
        <translation>无法打开模型。{0}</translation>
    </message>
    <message>
        <source>Opened model {0}.</source>
        <translation>已打开模型 {0}。</translation>
    </message>
    <message>
        <source>Could not save the model. {0}</source>
        <translation>无法保存模型。{0}</translation>
    </message>
    <message>
        <source>Saved model to {0}.</source>
        <translation>已保存模型到 {0}。</translation>
    </message>
</context>
</TS>
